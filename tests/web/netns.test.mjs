// The browser half of tests/netns/test-web.sh, run inside the guest namespace: opens the web
// link exactly as printed, joins as "Guest", sends SEND to everyone, and downloads the file
// Bob offers, whose SHA-256 must be EXPECT. Prints one line per step; exits non-zero on failure.
import { chromium } from 'playwright-core';
import path from 'node:path';

const { CHROMIUM, SPKI, WEB_LINK, SEND, EXPECT, PROFILE } = process.env;
const name = path.basename(SEND);

async function until(what, predicate, timeoutMs = 60000) {
    const end = Date.now() + timeoutMs;
    while (Date.now() < end) {
        if (await predicate())
            return;
        await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`timed out waiting for ${what}`);
}

const context = await chromium.launchPersistentContext(PROFILE, {
    executablePath: CHROMIUM,
    args: ['--no-sandbox', `--ignore-certificate-errors-spki-list=${SPKI}`],
});
try {
    const page = await context.newPage();
    await page.goto(WEB_LINK);
    await page.getByLabel('Your name, as the others will see it').fill('Guest');
    await page.getByRole('button', { name: 'Join the room' }).click();
    await until('joining', () => page.evaluate(() => window.roomshare && window.roomshare.state === 'connected'));
    console.log('joined as', await page.evaluate(() => window.roomshare.clientId));
    await page.evaluate(() => {
        window.events = [];
        window.roomshare.on('fs-upload-result', (e) => window.events.push(e));
    });
    await page.setInputFiles('#file-input', SEND);
    await until('the upload', () => page.evaluate((n) => window.events.some((e) => e.messageType === 'upload-completed' && e.response.uploadInfo.name === n), name));
    console.log('sent', name);
    await until('Bob\'s file', async () => (await page.locator('#files tbody tr', { hasText: 'to-browser.bin' }).count()) === 1);
    await page.getByRole('button', { name: 'Download to-browser.bin' }).click();
    await until('the download', () => page.evaluate(() => window.roomshare.completedDownloads.some((d) => d.name === 'to-browser.bin')));
    const hash = await page.evaluate(async () => {
        const file = window.roomshare.completedDownloads.find((d) => d.name === 'to-browser.bin').file;
        const hasher = await hashwasm.createSHA256();
        hasher.init();
        hasher.update(new Uint8Array(await file.arrayBuffer()));
        return hasher.digest('hex');
    });
    if (hash !== EXPECT)
        throw new Error(`the download's SHA-256 is ${hash}, expected ${EXPECT}`);
    console.log('received to-browser.bin, SHA-256 matches');
} finally {
    await context.close();
}
