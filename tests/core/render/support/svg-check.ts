import { JSDOM } from 'jsdom';

/**
 * Parses an SVG as XML (strict: a malformed document throws) and returns its root element, so
 * tests can query marks the way a browser would see them.
 */
export function parseSvg(svg: string): SVGSVGElement {
  const dom = new JSDOM(svg, { contentType: 'image/svg+xml' });
  const root = dom.window.document.documentElement;
  if (root.nodeName !== 'svg' || root.namespaceURI !== 'http://www.w3.org/2000/svg') throw new Error(`not an SVG document: <${root.nodeName}>`);
  return root as unknown as SVGSVGElement;
}

export function marks(root: Element, selector = '.mark'): { series: string; label: string; value: number; el: Element }[] {
  return [...root.querySelectorAll(selector)].map((el) => ({
    series: el.getAttribute('data-series') ?? '',
    label: el.getAttribute('data-label') ?? '',
    value: Number(el.getAttribute('data-value')),
    el,
  }));
}
