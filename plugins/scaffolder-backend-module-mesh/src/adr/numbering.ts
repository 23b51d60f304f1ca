import fs from 'node:fs/promises';

const NUMBERED = /^(?:adr-)?(\d{1,5})[-_].+\.md$/i;

/**
 * The next ADR number in a directory: one more than the highest numbered
 * `NNNN-title.md` (or `adr-NNNN-...`) file, 1 when there is none.
 */
export async function nextAdrNumber(directory: string): Promise<number> {
  let names: string[];
  try {
    names = await fs.readdir(directory);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
      return 1;
    }
    throw error;
  }
  const numbers = names
    .map(n => NUMBERED.exec(n)?.[1])
    .filter((n): n is string => n !== undefined)
    .map(Number);
  return numbers.length ? Math.max(...numbers) + 1 : 1;
}

/** A file-name slug: lowercase words joined by '-'. */
export function slugify(title: string): string {
  const slug = title
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 60)
    .replace(/-+$/g, '');
  return slug || 'decision';
}

/** `0007-use-linkerd-for-storefront.md` */
export function adrFileName(number: number, title: string): string {
  return `${String(number).padStart(4, '0')}-${slugify(title)}.md`;
}
