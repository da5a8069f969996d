// ECharts (served by the server from its WebJar) with one look for every chart. Tooltips render as rich text
// on the canvas, so no HTML built from API data is ever inserted, and the CSP needs no inline styles.
import { el } from './dom.js';

export const PALETTE = ['#2563eb', '#16a34a', '#d97706', '#9333ea', '#0891b2', '#dc2626', '#4f46e5', '#65a30d',
  '#db2777', '#0d9488'];
const live = new Set();

window.addEventListener('resize', () => live.forEach((c) => c.resize()));

let loading = null;

/** ECharts (1 MB) is loaded with the first chart, so pages without charts (the job list) do not wait for it. */
function loadEcharts() {
  if (!loading) {
    loading = new Promise((resolve, reject) => {
      const s = el('script', { src: 'vendor/echarts.min.js' });
      s.addEventListener('load', resolve);
      s.addEventListener('error', () => reject(new Error('ECharts did not load')));
      document.head.append(s);
    });
  }
  return loading;
}

/** A chart in a new element (data-chart=name, so tests can read its option through echarts.getInstanceByDom). */
export function chart(name, option, tall, short) {
  const node = el('div', { class: 'chart' + (tall ? ' chart-tall' : short ? ' chart-short' : ''), data: { chart: name } });
  // ECharts measures its container: draw once the node is in the document
  loadEcharts().then(() => new Promise(requestAnimationFrame)).then(() => {
    if (!node.isConnected) return;
    const c = echarts.init(node, null, { renderer: 'canvas' });
    c.setOption({
      animation: false,
      color: PALETTE,
      textStyle: { fontFamily: 'DejaVu Sans, sans-serif' },
      grid: { left: 24, right: 24, top: 36, bottom: 44, containLabel: true },
      tooltip: { trigger: 'axis', renderMode: 'richText', confine: true },
      legend: { type: 'scroll', bottom: 0, left: 16, right: 16 },
      ...option,
    });
    live.add(c);
    node.dataset.ready = 'true';
  }).catch((e) => {
    node.replaceChildren(el('div', { class: 'empty' }, 'The chart could not be drawn: ' + e.message));
  });
  return node;
}

export function disposeCharts() {
  live.forEach((c) => c.dispose());
  live.clear();
}

export const timeAxis = (labels) => ({ type: 'category', data: labels, boundaryGap: false,
  axisLine: { lineStyle: { color: '#c7cedb' } }, axisLabel: { color: '#667085' } });
export const valueAxis = (name) => ({ type: 'value', name, nameTextStyle: { color: '#667085', align: 'left' },
  axisLabel: { color: '#667085' }, splitLine: { lineStyle: { color: '#eef1f5' } } });
