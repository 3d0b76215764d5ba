// The public surface of each entry as text: every export with its kind and type, and the
// members of its classes and interfaces. test/package/api.test.ts compares it to the report
// kept in git (test/package/api/), so a change to the surface is a visible diff in review.
import { resolve } from 'node:path'
import ts from 'typescript'

/** The entries of package.json's exports map, by their source index. */
export const ENTRIES = {
  'pixstore-react': 'src/index.ts',
  'pixstore-react/core': 'src/core/index.ts',
  'pixstore-react/compat': 'src/compat/index.ts',
  'pixstore-react/testing': 'src/testing/index.ts',
  'pixstore-react/devtools': 'src/devtools/index.ts',
  'pixstore-react/vite': 'src/vite/index.ts',
  'pixstore-react/worker': 'src/worker/index.ts',
} as const

const root = resolve(import.meta.dirname, '../..')
const FLAGS = ts.TypeFormatFlags.NoTruncation | ts.TypeFormatFlags.UseAliasDefinedOutsideCurrentScope

/** The report of every entry, keyed as ENTRIES. */
export function apiReports(): Record<keyof typeof ENTRIES, string> {
  const files = Object.values(ENTRIES).map((file) => resolve(root, file))
  const { config } = ts.readConfigFile(resolve(root, 'tsconfig.json'), ts.sys.readFile)
  const { options } = ts.parseJsonConfigFileContent(config, ts.sys, root)
  const program = ts.createProgram(files, { ...options, noEmit: true })
  const checker = program.getTypeChecker()
  const printer = ts.createPrinter({ removeComments: true })
  const text = (type: ts.Type) => checker.typeToString(type, undefined, FLAGS)
  const isPublic = (member: ts.Symbol) =>
    !member.name.startsWith('#') &&
    !member.declarations?.some(
      (d) => ts.getCombinedModifierFlags(d) & (ts.ModifierFlags.Private | ts.ModifierFlags.Protected),
    )
  // Its own members; what it extends is named on its first line.
  const members = (type: ts.Type, at: ts.Node) =>
    checker
      .getPropertiesOfType(type)
      .filter((member) => isPublic(member) && member.declarations?.some((d) => d.parent === at))
      .map((member) => {
        const optional = member.flags & ts.SymbolFlags.Optional ? '?' : ''
        return `    ${member.name}${optional}: ${text(checker.getTypeOfSymbolAtLocation(member, at))}`
      })

  const heritage = (at: ts.Node) =>
    (ts.isClassDeclaration(at) || ts.isInterfaceDeclaration(at)) && at.heritageClauses
      ? ` ${at.heritageClauses.map((clause) => clause.getText().replace(/\s+/g, ' ')).join(' ')}`
      : ''

  function describe(exported: ts.Symbol): string[] {
    const symbol = exported.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(exported) : exported
    const at = symbol.declarations?.[0] ?? program.getSourceFile(files[0]!)!
    const name = exported.name
    if (symbol.flags & ts.SymbolFlags.Class) {
      const instance = checker.getDeclaredTypeOfSymbol(symbol)
      const statics = checker.getTypeOfSymbolAtLocation(symbol, at)
      const constructors = statics
        .getConstructSignatures()
        .map((s) => `    new${checker.signatureToString(s)}`)
      return [`class ${name}${heritage(at)}`, ...constructors, ...members(instance, at)]
    }
    if (symbol.flags & ts.SymbolFlags.Interface)
      return [`interface ${name}${heritage(at)}`, ...members(checker.getDeclaredTypeOfSymbol(symbol), at)]
    if (symbol.flags & ts.SymbolFlags.TypeAlias) {
      const declaration = symbol.declarations!.find(ts.isTypeAliasDeclaration)!
      // Its own words: the checker would print the alias's name back.
      const printed = printer.printNode(
        ts.EmitHint.Unspecified,
        declaration.type,
        declaration.getSourceFile(),
      )
      return [`type ${name} = ${printed.replace(/\s+/g, ' ')}`]
    }
    const kind = symbol.flags & ts.SymbolFlags.Function ? 'function' : 'const'
    return [`${kind} ${name}: ${text(checker.getTypeOfSymbolAtLocation(symbol, at))}`]
  }

  const reports = {} as Record<keyof typeof ENTRIES, string>
  for (const [entry, file] of Object.entries(ENTRIES) as Array<[keyof typeof ENTRIES, string]>) {
    const module = checker.getSymbolAtLocation(program.getSourceFile(resolve(root, file))!)!
    const exports = checker.getExportsOfModule(module).sort((a, b) => a.name.localeCompare(b.name))
    reports[entry] = [`${entry}: ${exports.length} exports`, '', ...exports.flatMap(describe), ''].join('\n')
  }
  return reports
}
