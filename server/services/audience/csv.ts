/**
 * CSV in and out for the members list (RFC 4180: quoted fields, doubled quotes, CRLF or LF). Small enough to own;
 * the import reads only three columns.
 */
export function parseCsv(input: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = "";
  let quoted = false;
  const text = input.replace(/^\uFEFF/, "");
  for (let i = 0; i < text.length; i++) {
    const char = text[i]!;
    if (quoted) {
      if (char === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (char === '"') quoted = false;
      else field += char;
    } else if (char === '"' && field === "") quoted = true;
    else if (char === ",") {
      row.push(field);
      field = "";
    } else if (char === "\n" || char === "\r") {
      if (char === "\r" && text[i + 1] === "\n") i++;
      row.push(field);
      rows.push(row);
      row = [];
      field = "";
    } else field += char;
  }
  if (field !== "" || row.length > 0) {
    row.push(field);
    rows.push(row);
  }
  return rows;
}

/** One CSV line; a cell starting with = + - @ is prefixed with ' so spreadsheets do not run it as a formula. */
export function csvLine(cells: readonly (string | number | boolean)[]): string {
  return cells
    .map((cell) => {
      let value = String(cell);
      if (/^[=+\-@\t\r]/.test(value)) value = `'${value}`;
      return /[",\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
    })
    .join(",");
}
