import { describe, expect, it } from 'vitest'
import type { Grid } from '@/domain/entities'
import {
  boundariesOf,
  compoundsOf,
  labelSize,
  layoutLabels,
  overlaps,
  shortGridName,
  type LabelCandidate,
  type MapBuilding,
  type PlacedLabel,
} from '@/features/map/map.models'

const VIEW = { width: 390, height: 320 }

function noneOverlap(placed: PlacedLabel[]) {
  for (let i = 0; i < placed.length; i++) {
    for (let j = i + 1; j < placed.length; j++) expect(overlaps(placed[i].box, placed[j].box), `${placed[i].text} / ${placed[j].text}`).toBe(false)
  }
}

/** Four micro-grids of one grid side by side, `cell` px wide each (the zoom decides the width). */
function microRow(cell: number): LabelCandidate[] {
  return [1, 2, 3, 4].map((i) => ({
    id: `m${i}`,
    kind: 'micro' as const,
    text: `第${'一二三四'[i - 1]}微网格`,
    x: 20 + cell * (i - 0.5),
    y: 100,
    within: { x: 20 + cell * (i - 1), y: 60, w: cell, h: 80 },
  }))
}

describe('map label layout', () => {
  it('measures Chinese wider than digits', () => {
    expect(labelSize('第三微网格', 12).w).toBeGreaterThan(labelSize('12345', 12).w)
    expect(labelSize('第三微网格', 12).w).toBeGreaterThanOrEqual(5 * 12)
  })

  it('leaves out micro-grid names that do not fit their area, and shows them once zoomed in', () => {
    expect(layoutLabels(microRow(40), VIEW)).toEqual([])
    const zoomed = layoutLabels(microRow(90), VIEW)
    expect(zoomed.map((l) => l.text)).toEqual(['第一微网格', '第二微网格', '第三微网格', '第四微网格'])
    noneOverlap(zoomed)
  })

  it('never lets two labels overlap, however crowded', () => {
    let seed = 7
    const rnd = () => ((seed = (seed * 16807) % 2147483647) / 2147483647)
    const kinds = ['grid', 'micro', 'compound', 'building', 'pin'] as const
    const crowd: LabelCandidate[] = Array.from({ length: 300 }, (_, i) => ({
      id: String(i),
      kind: kinds[i % kinds.length],
      text: i % 2 ? `${i}号楼` : '翠湖花园',
      x: rnd() * VIEW.width,
      y: rnd() * VIEW.height,
      at: i % 3 ? ['right', 'left', 'above', 'below'] : undefined,
    }))
    const placed = layoutLabels(crowd, VIEW)
    expect(placed.length).toBeGreaterThan(5)
    expect(placed.length).toBeLessThan(300)
    noneOverlap(placed)
    for (const p of placed) {
      expect(p.box.x).toBeGreaterThanOrEqual(0)
      expect(p.box.x + p.box.w).toBeLessThanOrEqual(VIEW.width)
    }
  })

  it('always shows 您在这里, 起点 and 终点, apart from each other, even on one spot among buildings', () => {
    const here: LabelCandidate = { id: 'here', kind: 'here', text: '您在这里', x: 200, y: 150, at: ['above', 'below', 'right', 'left'] }
    const start: LabelCandidate = { id: 's', kind: 'start', text: '起点', x: 200, y: 150, at: ['above', 'below', 'right', 'left'] }
    const end: LabelCandidate = { id: 'e', kind: 'end', text: '终点', x: 201, y: 151, at: ['above', 'below', 'right', 'left'] }
    const buildings: LabelCandidate[] = Array.from({ length: 40 }, (_, i) => ({
      id: `b${i}`,
      kind: 'building',
      text: `${i + 1}号楼`,
      x: 180 + (i % 8) * 6,
      y: 130 + Math.floor(i / 8) * 8,
      at: ['right', 'left'],
    }))
    // Buildings first in the list: priority, not order, decides.
    const placed = layoutLabels([...buildings, end, start, here], VIEW)
    const texts = placed.map((l) => l.text)
    expect(texts).toContain('您在这里')
    expect(texts).toContain('起点')
    expect(texts).toContain('终点')
    noneOverlap(placed)
  })

  it('keeps a required label that has nowhere free, clamped into the view', () => {
    const placed = layoutLabels([{ id: 'e', kind: 'end', text: '终点', x: 389, y: 1, at: ['above'] }], VIEW)
    expect(placed).toHaveLength(1)
    expect(placed[0].box.x + placed[0].box.w).toBeLessThanOrEqual(VIEW.width)
    expect(placed[0].box.y).toBeGreaterThanOrEqual(0)
  })

  it('sets a building name on the free side of its dot', () => {
    const placed = layoutLabels(
      [
        { id: 'c', kind: 'compound', text: '翠湖花园', x: 130, y: 100 },
        { id: 'b', kind: 'building', text: '5号楼', x: 100, y: 100, at: ['right', 'left', 'above', 'below'] },
      ],
      VIEW,
    )
    const b = placed.find((l) => l.id === 'b')!
    expect(b.box.x + b.box.w).toBeLessThanOrEqual(100) // left of the dot: its right side is taken
  })
})

describe('map names', () => {
  it('writes a micro-grid without its grid’s name inside that grid', () => {
    expect(shortGridName('第一网格第三微网格', '第一网格')).toBe('第三微网格')
    expect(shortGridName('东区', '第一网格')).toBe('东区')
    expect(shortGridName('第一网格', '第一网格')).toBe('第一网格')
    const ring = [[120, 36], [120.01, 36], [120.01, 36.01], [120, 36]] as [number, number][]
    const grids = [
      { id: 'g', name: '第一网格', level: 'grid', parentId: 'c', boundary: { type: 'Polygon', coordinates: [ring] } },
      { id: 'm', name: '第一网格第三微网格', level: 'micro', parentId: 'g', boundary: { type: 'Polygon', coordinates: [ring] } },
    ] as Pick<Grid, 'id' | 'name' | 'level' | 'parentId' | 'boundary'>[]
    expect(boundariesOf(grids).map((b) => b.name)).toEqual(['第一网格', '第三微网格'])
  })

  it('labels each compound once, in the middle of its buildings', () => {
    const b = (id: string, compound: string, x: number, y: number): MapBuilding => ({ id, name: id, compound, location: [x, y], households: 1, state: 'done' })
    expect(compoundsOf([b('1', '翠湖花园', 0, 0), b('2', '翠湖花园', 2, 4), b('3', '金岭小区', 9, 9)])).toEqual([
      { name: '翠湖花园', location: [1, 2] },
      { name: '金岭小区', location: [9, 9] },
    ])
  })
})

describe('map labels and markers', () => {
  it('keeps a building name off the other buildings’ dots', () => {
    const dot = (x: number, y: number) => ({ x: x - 7, y: y - 7, w: 14, h: 14 })
    const label: LabelCandidate = { id: 'b', kind: 'building', text: '5号楼', x: 100, y: 100, at: ['right', 'below'], clearOfMarkers: true }
    expect(layoutLabels([label], VIEW, [dot(100, 100), dot(125, 100)])[0].box.y).toBeGreaterThan(100) // right is covered: below
    expect(layoutLabels([label], VIEW, [dot(100, 100), dot(125, 100), dot(100, 125)])).toEqual([])
  })
})
