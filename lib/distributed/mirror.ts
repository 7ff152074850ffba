/**
 * Copying one key of a store into another (the shared PostgreSQL store into the local SQLite
 * store of the machine that clusters): every record the target lacks, faces, vectors (bit for
 * bit) and thumbnails included, each photo in one transaction. Records already there are left
 * alone, so a second copy costs only the new photos.
 * @module
 */
import type { EmbeddingStore, FaceToStore, PhotoToStore, StoredImage } from "../store/types.ts";

/** Photos copied per read. */
const BATCH = 200;

/** What {@link mirrorStore} did. */
export interface MirrorSummary {
  /** Records in the source key. */
  records: number;
  /** Records copied (the rest were there already). */
  copied: number;
}

/** Copies every record of `from` that `to` lacks into `to` (same dimension). */
export async function mirrorStore(from: EmbeddingStore, to: EmbeddingStore): Promise<MirrorSummary> {
  if (from.dim !== to.dim) throw new Error(`mirror: ${from.dim}-d source, ${to.dim}-d target`);
  let records = 0, copied = 0;
  let batch: StoredImage[] = [];
  const flush = async () => {
    const withFaces = batch.filter((r) => !r.error).map((r) => r.hash);
    const vectors = await from.vectors(withFaces);
    const thumbs = await from.thumbnails(withFaces);
    let row = 0;
    for (const r of batch) {
      let result: PhotoToStore;
      if (r.error) {
        result = { error: r.error };
      } else {
        const faces: FaceToStore[] = r.faces.map((f) => {
          const { box, score, landmarks, thumb: _t, ...extra } = f;
          const embedding = vectors.slice(row * from.dim, (row + 1) * from.dim);
          const thumbnail = thumbs[row++];
          return {
            ...extra,
            box: { x: box[0], y: box[1], w: box[2], h: box[3] },
            score,
            landmarks,
            embedding,
            ...(thumbnail ? { thumbnail } : {}),
          };
        });
        result = { width: r.width!, height: r.height!, faces };
      }
      await to.put(r.hash, result);
      copied++;
    }
    batch = [];
  };
  for await (const r of from.records()) {
    records++;
    if (await to.has(r.hash)) continue;
    batch.push(r);
    if (batch.length >= BATCH) await flush();
  }
  await flush();
  await to.flush();
  return { records, copied };
}
