/**
 * Colours for groups (clusters, people): a fixed categorical palette that cycles, with ids
 * scrambled so that neighbouring ids rarely share a colour, and grey for "no group".
 * @module
 */

/** Twenty well separated colours (Observable 10 followed by a darker set). */
export const GROUP_COLOURS: readonly string[] = [
  "#4269d0",
  "#efb118",
  "#ff725c",
  "#6cc5b0",
  "#3ca951",
  "#ff8ab7",
  "#a463f2",
  "#97bbf5",
  "#9c6b4e",
  "#6b6ecf",
  "#1b7837",
  "#b2182b",
  "#2166ac",
  "#e08214",
  "#7b3294",
  "#35978f",
  "#c51b7d",
  "#8c6d31",
  "#4d4d4d",
  "#d6604d",
];

/** Colour of points in no group (label < 0). */
export const NO_GROUP_COLOUR = "#c4c9d0";

/** Palette index of group `id` (>= 0): a scrambled cycle through {@link GROUP_COLOURS}. */
export function groupColourIndex(id: number): number {
  return (Math.imul(id + 1, 0x9e3779b1) >>> 0) % GROUP_COLOURS.length;
}

/** Colour of group `id`; negative ids (unassigned) are grey. */
export function groupColour(id: number): string {
  return id < 0 ? NO_GROUP_COLOUR : GROUP_COLOURS[groupColourIndex(id)];
}
