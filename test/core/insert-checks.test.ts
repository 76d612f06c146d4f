// The short cuts of a bulk insert's checks must decide as the general rules do: fitsType as
// readCell reads (S15), a batch row's cells as prepareCells lays them out, incarnations as
// their digit-by-digit encoding.
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { createTable, type RowInput } from '../../src/index.js'
import { incarnationOf, incarnationsOf, parseIncarnation } from '../../src/incarnation.js'
import { columnTypes, fitsType, readCell } from '../../src/schema.js'

/** A date-like string: canonical, or one unit changed, cut or lengthened. */
const dateLike = fc
  .tuple(
    fc.date({ min: new Date(-8.64e15), max: new Date(8.64e15), noInvalidDate: true }),
    fc.nat(30),
    fc.string({ maxLength: 1 }),
  )
  .map(([date, at, unit]) => {
    const text = date.toISOString()
    return at >= text.length ? text : text.slice(0, at) + unit + text.slice(at + 1)
  })

const values = fc.oneof(
  dateLike,
  fc.string(),
  fc.double(),
  fc.integer(),
  fc.boolean(),
  fc.constantFrom(null, undefined, '12', 'true', '2026-02-29T00:00:00.000Z'),
  fc.jsonValue(),
  fc.object(),
)

describe('bulk insert checks', () => {
  it('S15: fitsType is true exactly when readCell reads the value as itself', () => {
    fc.assert(
      fc.property(fc.constantFrom(...columnTypes), values, (type, value) => {
        const read = readCell(type, value)
        const expected =
          value === null ||
          value === undefined ||
          (read !== null && (type === 'json' || read === value))
        expect(fitsType(type, value)).toBe(expected)
      }),
      { numRuns: 2000 },
    )
  })

  it('S15: canonical dates are checked by calendar: 29 February only in leap years', () => {
    expect(fitsType('date', '2024-02-29T12:00:00.000Z')).toBe(true)
    expect(fitsType('date', '2026-02-29T12:00:00.000Z')).toBe(false)
    expect(fitsType('date', '1900-02-29T12:00:00.000Z')).toBe(false)
    expect(fitsType('date', '2000-02-29T23:59:59.999Z')).toBe(true)
    expect(fitsType('date', '2026-13-01T00:00:00.000Z')).toBe(false)
    expect(fitsType('date', '2026-01-01T24:00:00.000Z')).toBe(false)
    expect(fitsType('date', '2026-01-01T00:00:00.00xZ')).toBe(false)
  })

  it('incarnations of every clock length are the digit-by-digit encoding and parse back', () => {
    for (const clock of [0, 127, 128, 16_383, 16_384, 2_097_151, 2_097_152, 2 ** 40]) {
      let digits = ''
      let rest = clock
      do {
        digits = String.fromCharCode(rest % 128) + digits
        rest = Math.floor(rest / 128)
      } while (rest > 0)
      expect(incarnationOf(123_456_789, clock)).toBe(
        incarnationOf(123_456_789, 0).slice(0, 5) + digits,
      )
      expect(parseIncarnation(incarnationOf(123_456_789, clock))).toEqual({
        client: 123_456_789,
        clock,
      })
    }
  })

  it('incarnationsOf makes the incarnations incarnationOf makes, for short and long clients', () => {
    const clocks = [0, 1, 127, 128, 16_383, 16_384, 2_097_151, 2_097_152, 2 ** 40]
    for (const client of [
      0,
      123_456_789,
      127 * 2 ** 28 - 1,
      127 * 2 ** 28,
      2 ** 32 - 1,
      2 ** 53 - 1,
    ]) {
      const make = incarnationsOf(client)
      for (const clock of clocks) expect(make(clock)).toBe(incarnationOf(client, clock))
      // Asked again for another client, then this one: still this client's.
      incarnationsOf(client + 1)
      expect(incarnationsOf(client)(300)).toBe(incarnationOf(client, 300))
    }
  })

  it("S5: a batch with rows of several layouts keeps each row's cells and appends in order", () => {
    const table = createTable({
      columns: [
        { name: 'a', type: 'string' },
        { name: 'b', type: 'number' },
      ],
    })
    // Layouts change mid-batch (a, b; b, a; a only), with holes between them.
    const rows: RowInput[] = [
      { id: 'r0', a: 'x', b: 1 },
      { id: 'r1', a: 'y', b: 2 },
    ]
    rows[3] = { id: 'r3', b: 3, a: 'z' }
    rows.push({ id: 'r4', a: 'w' }, { id: 'r5', a: 'v', b: 5 })
    expect(table.insertRows(rows)).toEqual(['r0', 'r1', undefined, 'r3', 'r4', 'r5'])
    expect(table.getRow('r3')).toEqual({ id: 'r3', a: 'z', b: 3 })
    expect(table.getRow('r4')).toEqual({ id: 'r4', a: 'w', b: null })
    expect(table.getRow('r5')).toEqual({ id: 'r5', a: 'v', b: 5 })
    // A batch then a row appended after it: the row lands after the whole batch (its id sorts
    // before the batch's, so a position taken from inside the batch would tie and go first).
    table.insertRows([
      { id: 's0', a: 'p' },
      { id: 's1', a: 'q' },
    ])
    table.insertRow({ a: 'last' }, { id: 'm' })
    expect(table.listRows().map((row) => row.id)).toEqual([
      'r0',
      'r1',
      'r3',
      'r4',
      'r5',
      's0',
      's1',
      'm',
    ])
  })

  it('batch rows are laid out as one by one: key orders, missing cells, inherited keys', () => {
    const columns = [
      { name: 'a', type: 'string' as const, default: 'A' },
      { name: 'b', type: 'number' as const, default: 7 },
    ]
    const inherited = Object.create({ b: 99 }) as Record<string, string>
    inherited.a = 'own'
    const rows: RowInput[] = [
      { id: 'r0', a: 'x', b: 1 },
      { id: 'r1', a: 'y', b: 2 },
      // After a row of layout [a, b]: its own keys and an inherited one list as a, id, b.
      Object.assign(inherited, { id: 'r4' }),
      { b: 3, id: 'r2', a: 'z' },
      { id: 'r3', a: 'w' },
      { id: 'r5', a: 'v', b: undefined },
      { id: 'r6', a: null, b: 4 },
    ]
    const bulk = createTable({ columns })
    bulk.insertRows(rows)
    const single = createTable({ columns })
    for (const row of rows) single.insertRow(row)
    expect(bulk.listRows()).toEqual(single.listRows())
    expect(bulk.getRow('r4')).toEqual({ id: 'r4', a: 'own', b: 7 })
    expect(bulk.getRow('r5')).toEqual({ id: 'r5', a: 'v', b: null })
  })

  it('a batch row that breaks the layout or a type gets the full check and its error', () => {
    const table = createTable({ columns: [{ name: 'a', type: 'number' as const }] })
    expect(() => table.insertRows([{ a: 1 }, { a: '2' }])).toThrow(
      /insertRows\[1\]: column "a" expects a finite number/,
    )
    expect(() => table.insertRows([{ a: 1 }, ['x'] as never])).toThrow(
      /insertRows\[1\]: cells must be an object/,
    )
    expect(() => table.insertRows([{ a: 1 }, { a: 2, nope: 3 }])).toThrow(/nope/)
    expect(table.size).toBe(0)
  })
})
