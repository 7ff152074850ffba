/**
 * Splitting a long list of clusters over several pages so that each page opens quickly.
 * @module
 */

/** How much one page may hold. */
export interface PageLimits {
  /** Clusters per page at most. */
  clustersPerPage: number;
  /** Faces per page at most (a page always holds at least one cluster, however large). */
  facesPerPage: number;
}

/** A run of consecutive items `[start, end)` shown on one page. */
export interface PageRange {
  /** First item. */
  start: number;
  /** One past the last item. */
  end: number;
}

/**
 * Splits items of the given sizes (in display order) into consecutive pages that respect the
 * limits; an empty list gives one empty page, so that there is always a first page.
 */
export function planPages(sizes: readonly number[], limits: PageLimits): PageRange[] {
  if (!(limits.clustersPerPage >= 1) || !(limits.facesPerPage >= 1)) {
    throw new RangeError("page limits must be >= 1");
  }
  const pages: PageRange[] = [];
  let start = 0;
  let faces = 0;
  for (let i = 0; i < sizes.length; i++) {
    const full = i - start >= limits.clustersPerPage || faces + sizes[i] > limits.facesPerPage;
    if (i > start && full) {
      pages.push({ start, end: i });
      start = i;
      faces = 0;
    }
    faces += sizes[i];
  }
  pages.push({ start, end: sizes.length });
  return pages;
}

/** File name of cluster page `page` (0-based): `index.html`, then `clusters-2.html`, ... */
export function clusterPageFile(page: number): string {
  return page === 0 ? "index.html" : `clusters-${page + 1}.html`;
}

/** File name of unassigned-faces page `page` (0-based): `unassigned.html`, `unassigned-2.html`, ... */
export function unassignedPageFile(page: number): string {
  return page === 0 ? "unassigned.html" : `unassigned-${page + 1}.html`;
}
