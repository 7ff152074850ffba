/**
 * The typical similarity of two photos of one person, read from the strictest clustering's own
 * clusters (no labels): the mean, over faces in a cluster of two or more, of a face's mean
 * similarity to the rest of its cluster. At the strictest threshold of the choice's grid the
 * clusters are nearly pure at every size measured, so this holds at any number of faces, where the
 * excess of random pairs over a mirrored impostor distribution (lib/select/pair_stats.ts) fades
 * once nearly every random pair is two strangers (1,000,000 synthetic faces: it read 0.113 where
 * the truth is 0.645). It reads a little high (the strictest clusters hold a person's most alike
 * photos): on LFW 0.692 (truth 0.681), on pins 0.608 (truth 0.540), on 100,000 and 300,000
 * synthetic faces 0.695 and 0.685 (truth 0.651, 0.645); figures in /work/notes/README-choice.md.
 * @module
 */
import type { MemberMeans } from "./member_means.ts";

/** The genuine level and what it rests on. */
export interface GenuineLevel {
  /** Mean similarity of a face to the rest of its (strictest) cluster, over faces in clusters of 2+. */
  genuine: number;
  /** Faces it rests on (in clusters of two or more). */
  faces: number;
}

/** {@link GenuineLevel} of a clustering's {@link MemberMeans}; `faces` 0 (and genuine NaN) when all are alone. */
export function genuineLevel(means: MemberMeans): GenuineLevel {
  let sum = 0, faces = 0;
  for (let i = 0; i < means.mean.length; i++) {
    if (means.size[i] > 1) sum += means.mean[i], faces++;
  }
  return { genuine: faces > 0 ? sum / faces : NaN, faces };
}
