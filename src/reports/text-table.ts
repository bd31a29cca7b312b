/** Plain-text tables for the command-line reports (translation coverage, medical reviews due). */
export function textTable(input: { headers: string[]; rows: string[][]; isRightAligned: (column: number) => boolean }): string[] {
  const { headers, rows, isRightAligned } = input;
  const widths = headers.map((header, index) => Math.max(header.length, ...rows.map((row) => (row[index] ?? '').length)));
  const line = (cells: string[]) =>
    cells
      .map((cell, index) => (isRightAligned(index) ? cell.padStart(widths[index] as number) : cell.padEnd(widths[index] as number)))
      .join('  ')
      .trimEnd();
  return [line(headers), widths.map((width) => '-'.repeat(width)).join('  '), ...rows.map(line)];
}
