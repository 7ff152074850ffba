/**
 * The mean similarity to its cluster at which a face counts fully as one of its cluster's person
 * (the estimated precision, lib/select/estimated_precision.ts, counts it in part below it): a share
 * of the way from two strangers' level (impostor) to one person's (genuine),
 * `impostor + share(n) · (genuine - impostor)`.
 *
 * The share grows with the number of faces: look-alike strangers, people whose photos are as alike
 * as one person's, are the precision lost by a looser threshold, and their number per face grows in
 * proportion to the faces (people) of the set, while the number of a face's own person's photos
 * does not. So the similarity a face needs before it is surely with its own person rises with n: by
 * {@link MEMBER_SHARE_PER_DECADE} per tenfold past {@link MEMBER_SHARE_FROM} faces. The three
 * numbers were set on the development sets (LFW, pins and their subsets, all under 20,000 faces)
 * and on synthetic sets of 16,000, 100,000 and 300,000 faces, with the bar of lib/select/choose.ts
 * unchanged; figures in the README ("How the clustering is chosen"). Past about 2.5 million faces the
 * share passes 1 and the choice tends to the strictest threshold, which always passes.
 * @module
 */

/** Share of the way from impostor to genuine at which a face counts fully, up to {@link MEMBER_SHARE_FROM} faces. */
export const MEMBER_SHARE = 0.55;
/** Growth of the share per tenfold in faces past {@link MEMBER_SHARE_FROM}. */
export const MEMBER_SHARE_PER_DECADE = 0.25;
/** Faces from which the share grows. */
export const MEMBER_SHARE_FROM = 20_000;

/** The share for a set of `n` faces. */
export function memberShare(n: number): number {
  return MEMBER_SHARE + MEMBER_SHARE_PER_DECADE * Math.max(0, Math.log10(Math.max(1, n) / MEMBER_SHARE_FROM));
}

/** The member level for `n` faces between the `impostor` and `genuine` similarity levels. */
export function memberLevel(impostor: number, genuine: number, n: number): number {
  return impostor + memberShare(n) * (genuine - impostor);
}
