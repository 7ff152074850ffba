/**
 * Augmented views of one face for training (issue 15): the alignment warp of the photo jittered
 * by a small rotation, scale and shift (so that the context comes from the photo itself, not
 * black borders), an occlusion drawn where the jittered face's landmarks are (a face mask,
 * sunglasses, a hand), colour jitter, blur, and a mirror image, each drawn from a seeded
 * {@link Random} (lib/images/augment.ts holds the pure operations).
 * @module
 */
import { alignmentTransform } from "../../faces/align.ts";
import {
  adjustColour,
  type ColourJitter,
  type ColourLimits,
  composeAffine,
  flipHorizontal,
  gaussianBlur,
  type GeometricJitter,
  type GeometricLimits,
  jitterAffine,
  occlude,
  type Occlusion,
  OCCLUSION_KINDS,
  type OcclusionKind,
  sampleBlur,
  sampleColour,
  sampleGeometric,
  sampleOcclusion,
} from "../../images/augment.ts";
import type { RgbImage } from "../../images/decode.ts";
import { applyAffine, invertAffine, warpAffine } from "../../images/warp.ts";
import type { Random } from "../../util/random.ts";

/** How views are drawn. Every part has a default; a probability of 0 turns it off. */
export interface ViewOptions {
  /** Probability of the mirror image. @default 0.5 */
  flip?: number;
  /** Rotation, scale and shift limits. */
  geometry?: GeometricLimits;
  /** Colour jitter limits. */
  colour?: ColourLimits;
  /** Probability of a blur. @default 0.3 */
  blur?: number;
  /** Largest blur sigma in crop pixels. @default 1.5 */
  maxSigma?: number;
  /** Probability of an occlusion. @default 0.5 */
  occlusion?: number;
  /** Occlusions drawn from (uniformly). @default all of OCCLUSION_KINDS */
  kinds?: readonly OcclusionKind[];
}

/** What one view is: plain data, so that it can be recorded and replayed. */
export interface ViewRecipe {
  /** Mirrored. */
  flip: boolean;
  /** Jitter of the alignment. */
  geometry: GeometricJitter;
  /** Colour jitter. */
  colour: ColourJitter;
  /** Blur sigma (0: none). */
  blur: number;
  /** The occlusion, if any. */
  occlusion?: Occlusion;
}

/** Draws a {@link ViewRecipe} for a crop of side `size`. */
export function sampleView(random: Random, size = 112, opts: ViewOptions = {}): ViewRecipe {
  const kinds = opts.kinds ?? OCCLUSION_KINDS;
  const flip = random() < (opts.flip ?? 0.5);
  const geometry = sampleGeometric(random, size, opts.geometry);
  const colour = sampleColour(random, opts.colour);
  const blur = sampleBlur(random, opts.blur ?? 0.3, (opts.maxSigma ?? 1.5) * size / 112);
  const occ = kinds.length > 0 && random() < (opts.occlusion ?? 0.5);
  const recipe: ViewRecipe = { flip, geometry, colour, blur };
  if (occ) recipe.occlusion = sampleOcclusion(random, kinds[Math.floor(random() * kinds.length)]);
  return recipe;
}

/**
 * The aligned crop (`size` x `size`) of the face with 5 landmarks `lm` (photo pixels) in
 * `photo`, as `recipe` changes it: jittered warp, occlusion, colour, blur, then the mirror.
 */
export function renderView(photo: RgbImage, lm: ArrayLike<number>, recipe: ViewRecipe, size = 112): RgbImage {
  const toCrop = composeAffine(
    jitterAffine(recipe.geometry, size / 2, size / 2),
    alignmentTransform(lm, size),
  );
  let img = warpAffine(photo, invertAffine(toCrop), size, size);
  if (recipe.occlusion) {
    const at: number[] = [];
    for (let i = 0; i + 1 < lm.length; i += 2) at.push(...applyAffine(toCrop, lm[i], lm[i + 1]));
    img = occlude(img, at, recipe.occlusion);
  }
  img = adjustColour(img, recipe.colour);
  if (recipe.blur > 0) img = gaussianBlur(img, recipe.blur);
  return recipe.flip ? flipHorizontal(img) : img;
}
