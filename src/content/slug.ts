/** A readable, URL-safe slug for a tag or category name: c# -> csharp, c++ -> cpp, .net -> dotnet. */
export function slugify(name: string): string {
  const ascii = name
    .normalize('NFKC')
    .toLowerCase()
    .replace(/c#/g, 'csharp')
    .replace(/\+\+/g, 'pp')
    .replace(/#/g, 'sharp')
    .replace(/\+/g, 'plus')
    .replace(/^\./, 'dot')
    .replace(/[^\p{L}\p{N}]+/gu, '-')
    .replace(/^-+|-+$/g, '');
  return ascii || 'tag';
}
