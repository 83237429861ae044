import { z } from 'zod';

/** The monitor's list envelope: items plus how many matched in all. */
export function pageSchema<T extends z.ZodType>(item: T) {
  return z.object({
    items: z.array(item),
    total_count: z.number().int().describe('how many rows match the filters in all'),
    has_more: z.boolean().describe('true when offset + items.length < total_count'),
  });
}

export function pageInput(max: number, fallback: number) {
  return {
    limit: z
      .number()
      .int()
      .min(1)
      .max(max)
      .default(fallback)
      .describe(`page size, 1-${max} (default ${fallback})`),
    offset: z.number().int().min(0).default(0).describe('rows to skip, for the next page'),
  };
}

export function page<T>(items: T[], total: number, offset: number) {
  return { items, total_count: total, has_more: offset + items.length < total };
}

/** Pages an array already filtered in memory. */
export function pageOf<T>(all: T[], limit: number, offset: number) {
  return page(all.slice(offset, offset + limit), all.length, offset);
}
