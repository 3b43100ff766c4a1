/**
 * Geoman (leaflet-geoman) on the shared map: draw a polygon, or edit the corners of a stored one.
 * Imported only by MapDrawing.vue, lazily, so geoman is a chunk of its own that only the console's
 * drawing loads. Geoman is a classic script that extends the global `L` Leaflet sets: Leaflet is
 * imported first, and the map must be made after this module ran (its init hook gives `map.pm`).
 * Coordinates stay Leaflet's here; drawing.models turns them into stored WGS84.
 */
import { L } from './leafletLayers'
import '@geoman-io/leaflet-geoman-free'
import '@geoman-io/leaflet-geoman-free/dist/leaflet-geoman.css'

const STYLE: L.PathOptions = { color: '#e65100', weight: 3, fillColor: '#ff9800', fillOpacity: 0.15 }

type Rings = L.LatLng[] | L.LatLng[][]

/**
 * Starts drawing (corners null) or editing the given corners ([lat, lng] of the map). `onChange`
 * gets the corners after every change — while drawing too, so a shape not yet closed by clicking
 * its first corner can be saved — or null when there is nothing. Returns the way to stop, which
 * removes what it drew (the page shows the saved boundary from its data).
 */
export function editPolygon(map: L.Map, corners: L.LatLngTuple[] | null, onChange: (rings: Rings | null) => void): () => void {
  map.pm.setLang('zh')
  let layer: L.Polygon | null = null
  let working: L.Layer | null = null
  const report = () => onChange(layer ? (layer.getLatLngs() as Rings) : null)

  function editable(l: L.Polygon) {
    layer = l
    // A corner dragged across an edge springs back: the server refuses self-intersecting boundaries.
    l.pm.enable({ allowSelfIntersection: false })
    l.on('pm:edit pm:vertexremoved pm:vertexadded pm:markerdragend', report)
    report()
  }

  const onDrawStart = (e: { workingLayer: L.Layer }) => {
    working = e.workingLayer
    working.on('pm:vertexadded', () => onChange((working as L.Polyline).getLatLngs() as L.LatLng[]))
  }
  const onCreate = (e: { layer: L.Layer }) => {
    map.pm.disableDraw()
    working = null
    editable(e.layer as L.Polygon)
  }

  if (corners) editable(L.polygon(corners, STYLE).addTo(map))
  else {
    map.on('pm:drawstart', onDrawStart)
    map.on('pm:create', onCreate)
    map.pm.enableDraw('Polygon', { allowSelfIntersection: false, pathOptions: STYLE, templineStyle: STYLE, hintlineStyle: { ...STYLE, dashArray: '5 5' } })
    onChange(null)
  }

  return () => {
    map.off('pm:drawstart', onDrawStart)
    map.off('pm:create', onCreate)
    working?.off('pm:vertexadded')
    map.pm.disableDraw()
    layer?.pm.disable()
    layer?.remove()
  }
}
