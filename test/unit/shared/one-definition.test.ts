import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

/**
 * Workflow messages are defined once, in the shared module; everything else imports them. This
 * scans the sources for a second definition: a zod object or a TypeScript type that declares a
 * `msg_type` literal, or an exported schema whose name another file also exports.
 */

const ROOT = join(import.meta.dirname, '..', '..', '..');
const SCANNED = ['src', 'agents'];
const SHARED_MODULE = ['src/shared/workflow-messages/', 'src/shared/workflow-messages.ts'];

function sourceFiles(dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) {
      if (entry.name !== 'node_modules') out.push(...sourceFiles(path));
    } else if (/\.tsx?$/.test(entry.name) && !entry.name.endsWith('.d.ts')) out.push(path);
  }
  return out;
}

const repoPath = (abs: string) => relative(ROOT, abs).split(sep).join('/');
const isShared = (file: string) => SHARED_MODULE.some((p) => file.startsWith(p));

const isMsgTypeName = (name: ts.PropertyName) =>
  (ts.isIdentifier(name) || ts.isStringLiteral(name)) && name.text === 'msg_type';

function isLiteralType(node: ts.TypeNode): boolean {
  if (ts.isLiteralTypeNode(node)) return true;
  if (ts.isUnionTypeNode(node)) return node.types.some(isLiteralType);
  return false;
}

/** `z.literal(...)` / `z.enum(...)` as a value. */
function isZodLiteral(node: ts.Expression): boolean {
  return (
    ts.isCallExpression(node) &&
    ts.isPropertyAccessExpression(node.expression) &&
    ['literal', 'enum'].includes(node.expression.name.text)
  );
}

interface Finding {
  file: string;
  line: number;
  what: string;
}

/** `msg_type` declared as a literal type or a zod literal in a file outside the shared module. */
export function msgTypeDeclarations(file: string, text: string): Finding[] {
  if (!text.includes('msg_type')) return [];
  const sf = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true, ts.ScriptKind.TSX);
  const found: Finding[] = [];
  const at = (node: ts.Node, what: string) =>
    found.push({ file, line: sf.getLineAndCharacterOfPosition(node.getStart()).line + 1, what });
  const visit = (node: ts.Node) => {
    if (ts.isPropertySignature(node) && isMsgTypeName(node.name) && node.type)
      if (isLiteralType(node.type)) at(node, `type member msg_type: ${node.type.getText()}`);
    if (ts.isPropertyAssignment(node) && isMsgTypeName(node.name) && isZodLiteral(node.initializer))
      at(node, `zod msg_type: ${node.initializer.getText()}`);
    ts.forEachChild(node, visit);
  };
  visit(sf);
  return found;
}

/** Exported `...Schema` constants by name. */
export function exportedSchemaNames(file: string, text: string): string[] {
  if (!/Schemas?\b/.test(text)) return [];
  const sf = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true, ts.ScriptKind.TSX);
  const names: string[] = [];
  for (const stmt of sf.statements) {
    if (!ts.isVariableStatement(stmt)) continue;
    if (!stmt.modifiers?.some((m) => m.kind === ts.SyntaxKind.ExportKeyword)) continue;
    for (const d of stmt.declarationList.declarations)
      if (ts.isIdentifier(d.name) && /Schemas?$/.test(d.name.text)) names.push(d.name.text);
  }
  return names;
}

function scan() {
  const files = SCANNED.flatMap((d) => sourceFiles(join(ROOT, d))).map((abs) => ({
    file: repoPath(abs),
    text: readFileSync(abs, 'utf8'),
  }));
  const declarations = files
    .filter((f) => !isShared(f.file))
    .flatMap((f) => msgTypeDeclarations(f.file, f.text));
  const owners = new Map<string, string[]>();
  for (const f of files)
    for (const name of exportedSchemaNames(f.file, f.text))
      owners.set(name, [...(owners.get(name) ?? []), f.file]);
  const duplicated = [...owners].filter(([, where]) => where.length > 1);
  return { declarations, duplicated };
}

describe('one definition of the workflow messages', () => {
  it('no file outside the shared module declares a msg_type literal', () => {
    const { declarations } = scan();
    expect(declarations.map((d) => `${d.file}:${d.line} ${d.what}`)).toEqual([]);
  });

  it('no exported schema name is defined in two files', () => {
    const { duplicated } = scan();
    expect(duplicated.map(([name, where]) => `${name}: ${where.join(', ')}`)).toEqual([]);
  });

  it('detects a second definition (the scanner itself can fail)', () => {
    const copy = [
      "export const runImminentSchema = z.looseObject({ msg_type: z.literal('run_imminent') });",
      "interface StfGen { msg_type: 'stf_gen'; filename: string }",
      "type Ev = { msg_type: 'start_run' | 'end_run' };",
    ].join('\n');
    expect(msgTypeDeclarations('agents/copy.ts', copy).map((d) => d.line)).toEqual([1, 2, 3]);
    expect(exportedSchemaNames('agents/copy.ts', copy)).toEqual(['runImminentSchema']);
    // Building a message (a value, not a type) is not a definition.
    expect(msgTypeDeclarations('x.ts', "send({ msg_type: 'stf_gen', run_id: 1 });")).toEqual([]);
  });
});
