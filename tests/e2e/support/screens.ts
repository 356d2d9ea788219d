import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { expect, type Page } from '@playwright/test';
import { screenshotsDir } from './paths.js';

/** The window sizes every screen must fit: a laptop and a small window. */
export const windowSizes = [
  { width: 1280, height: 800 },
  { width: 800, height: 600 },
] as const;

/**
 * What overflows sideways: the page itself, and any scrolling box (the main area, a panel) whose
 * content is wider than the box. A box marked data-scrolls="x" scrolls sideways by design (the
 * checkpoint timeline) and is left out.
 */
export function horizontalOverflow(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const found: string[] = [];
    const describe = (el: Element) => {
      const id = el.getAttribute('data-testid');
      const cls = typeof el.className === 'string' && el.className ? `.${el.className.trim().split(/\s+/).join('.')}` : '';
      return `${el.tagName.toLowerCase()}${id ? `[data-testid=${id}]` : ''}${cls}`;
    };
    const root = document.scrollingElement ?? document.documentElement;
    if (root.scrollWidth > root.clientWidth + 1) found.push(`the page is ${root.scrollWidth} px wide in ${root.clientWidth}`);
    for (const el of Array.from(document.querySelectorAll('body *'))) {
      if (el.closest('[data-scrolls="x"]')) continue;
      const style = getComputedStyle(el);
      if (style.overflowX !== 'auto' && style.overflowX !== 'scroll') continue;
      if (el.scrollWidth > el.clientWidth + 1) found.push(`${describe(el)} holds ${el.scrollWidth} px in ${el.clientWidth}`);
    }
    return found;
  });
}

/**
 * Looks at the screen shown now at both window sizes: nothing overflows sideways, and a
 * screenshot of each goes to test-output/screenshots/<name>-<width>x<height>.png.
 */
export async function checkScreenSizes(page: Page, name: string, check?: (size: { width: number; height: number }) => Promise<void>): Promise<void> {
  await mkdir(screenshotsDir, { recursive: true });
  const before = page.viewportSize();
  for (const size of windowSizes) {
    await page.setViewportSize(size);
    // Two frames: layout, then anything that sized itself from the layout (charts, grids).
    await page.evaluate(() => new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve))));
    await page.waitForTimeout(150);
    if (check) await check(size);
    expect(await horizontalOverflow(page), `${name} at ${size.width}x${size.height} overflows sideways`).toEqual([]);
    await page.screenshot({ path: join(screenshotsDir, `${name}-${size.width}x${size.height}.png`) });
    await fullLengthScreenshot(page, join(screenshotsDir, `${name}-${size.width}x${size.height}-full.png`));
  }
  if (before) await page.setViewportSize(before);
}

/** The whole screen, not only what fits the window: the main area is let grow for the picture, then put back. */
async function fullLengthScreenshot(page: Page, path: string): Promise<void> {
  await page.addStyleTag({ content: '.shell { height: auto !important; min-height: 100%; } .shell > main { overflow: visible !important; }' }).then(async (tag) => {
    await page.screenshot({ path, fullPage: true });
    await tag.evaluate((el) => (el as Element).remove());
  });
}
