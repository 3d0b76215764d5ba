/**
 * An SVG image whose script, if it ever runs, writes where it ran into its document's title
 * and into the `localStorage` of its origin, under `svg-ran`.
 */
export const SCRIPTED_SVG =
  '<svg xmlns="http://www.w3.org/2000/svg" width="24" height="24">' +
  '<rect width="24" height="24" fill="#0a7"/>' +
  "<script>document.title = 'ran in ' + origin; try { localStorage.setItem('svg-ran', origin) } catch {}</script>" +
  '</svg>'
