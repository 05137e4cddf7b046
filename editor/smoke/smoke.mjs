// Browser smoke check of public/editor/note-editor.js (not part of `make test`):
//   bash .ci/build-editor.sh && node editor/smoke/smoke.mjs
// Serves smoke.html and the bundle under the app's Content-Security-Policy, drives Debian's
// Chromium with the playwright-core of end2end/, and checks the contract in editor/README.md.
import { createServer } from 'node:http'
import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { fileURLToPath } from 'node:url'

const root = fileURLToPath(new URL('../../', import.meta.url))
const { chromium } = createRequire(`${root}end2end/`)('playwright-core')

// The policy of server/src/headers.rs, with a fixed nonce for the page's own scripts.
const csp =
  "default-src 'self'; script-src 'self' 'nonce-smoke' 'wasm-unsafe-eval'; style-src 'self' 'unsafe-inline'; " +
  "img-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'"
const server = createServer((req, res) => {
  const file = req.url === '/' ? 'editor/smoke/smoke.html' : req.url === '/editor/note-editor.js' ? 'public/editor/note-editor.js' : null
  if (!file) return res.writeHead(req.url === '/favicon.ico' ? 204 : 404).end()
  const type = file.endsWith('.js') ? 'text/javascript' : 'text/html; charset=utf-8'
  res.writeHead(200, { 'content-type': type, 'content-security-policy': csp }).end(readFileSync(root + file))
})
await new Promise(resolve => server.listen(0, '127.0.0.1', resolve))
const base = `http://127.0.0.1:${server.address().port}`

const browser = await chromium.launch({
  executablePath: process.env.SYEI_CHROMIUM ?? '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu'],
})
let failures = 0
const check = (ok, what, detail = '') => {
  if (!ok) failures++
  console.log(`${ok ? 'ok  ' : 'FAIL'} ${what}${detail ? `  ${detail}` : ''}`)
}
const sleep = ms => new Promise(resolve => setTimeout(resolve, ms))

async function openPage(viewport = { width: 1024, height: 800 }) {
  const page = await browser.newPage({ viewport })
  page.errors = []
  page.on('pageerror', e => page.errors.push(String(e)))
  page.on('console', m => m.type() === 'error' && page.errors.push(m.text()))
  await page.goto(base)
  await page.waitForFunction(() => window.syeiEditorVersion)
  return page
}
// The page's events, from the note textareas only (the contenteditable fires native input events too).
const events = (page, type) => page.evaluate(t => smokeEvents.filter(e => e.type === t && (t !== 'input' || e.name)), type)
// Adds a fresh enhanced textarea to #more and returns the index of its editor.
async function addEditor(page, markdown) {
  return page.evaluate(md => {
    const more = document.getElementById('more')
    const box = document.createElement('div')
    const ta = document.createElement('textarea')
    ta.name = `extra${more.children.length}`
    ta.setAttribute('aria-label', 'Extra note')
    ta.setAttribute('data-rich-editor', '')
    ta.value = md
    box.append(ta)
    more.append(box)
    document.dispatchEvent(new Event('syei:enhance-editors'))
    return document.querySelectorAll('.ProseMirror').length - 1
  }, markdown)
}
const editorAt = (page, i) => page.locator('.ProseMirror').nth(i)
const textareaOf = async (page, i) => page.evaluate(i => document.querySelectorAll('.ProseMirror')[i].closest('.syei-editor').nextElementSibling.value, i)

try {
  // ---------------------------------------------------------------- 1. enhancement, a11y
  let page = await openPage()
  const shape = await page.evaluate(() => {
    const ta = document.getElementById('body')
    const wrapper = ta.previousElementSibling
    const pm = wrapper?.querySelector('.ProseMirror')
    return {
      ready: ta.dataset.richEditorReady,
      display: ta.style.display,
      inForm: ta.form?.id,
      wrapperIsEditor: wrapper?.className,
      role: pm?.getAttribute('role'),
      multiline: pm?.getAttribute('aria-multiline'),
      label: pm?.getAttribute('aria-label'),
      describedby: pm?.getAttribute('aria-describedby'),
      required: pm?.getAttribute('aria-required'),
      buttons: [...wrapper.querySelectorAll('[role=toolbar] button')].map(b => `${b.type}|${b.getAttribute('aria-label')}|${b.title}|${b.getAttribute('aria-pressed')}`),
      newGlobals: Object.getOwnPropertyNames(window).filter(n => !smokeBefore.includes(n) && !n.startsWith('smoke')),
      version: window.syeiEditorVersion,
    }
  })
  check(shape.ready === 'true' && shape.display === 'none' && shape.inForm === 'note-form', 'textarea hidden, marked ready, still in the form')
  check(shape.wrapperIsEditor === 'syei-editor', 'editor inserted as the previous sibling')
  check(shape.role === 'textbox' && shape.multiline === 'true' && shape.label === 'Note', 'role, aria-multiline, aria-label from <label> (asterisk left out)', JSON.stringify(shape.label))
  check(shape.describedby === 'body-error' && shape.required === 'true', 'aria-describedby and aria-required mirrored')
  check(shape.buttons.length === 11 && shape.buttons.every(b => b.startsWith('button|')), 'toolbar: 11 type=button buttons')
  console.log('     ' + shape.buttons.join('\n     '))
  check(JSON.stringify(shape.newGlobals) === '["syeiEditorVersion"]', 'only window.syeiEditorVersion added', `${JSON.stringify(shape.newGlobals)} = ${shape.version}`)

  await page.click('label[for=body]')
  check(await page.evaluate(() => document.activeElement.classList.contains('ProseMirror')), 'clicking the label focuses the editor')

  // ---------------------------------------------------------------- 2. typing, input/change
  await page.keyboard.type('Hello ')
  await page.keyboard.press('Control+b')
  await page.keyboard.type('world')
  const immediately = await page.inputValue('#body')
  await sleep(400)
  const inputs = await events(page, 'input')
  check(inputs.length >= 1 && inputs.at(-1).value === 'Hello **world**', 'typing syncs the textarea (debounced) and dispatches input', `${inputs.length} input event(s), value ${JSON.stringify(inputs.at(-1)?.value)}, right after typing ${JSON.stringify(immediately)}`)
  check((await page.getAttribute('[aria-label=Bold]', 'aria-pressed')) === 'true', 'Bold shows aria-pressed=true inside bold text')
  const beforeBurst = (await events(page, 'input')).length
  await page.keyboard.type(' fast typing', { delay: 20 })
  await sleep(400)
  const burst = (await events(page, 'input')).length - beforeBurst
  check(burst >= 1 && burst < 12, 'typing 12 keys 20 ms apart: debounced into fewer input events', `${burst} input event(s)`)
  for (let i = 0; i < 12; i++) await page.keyboard.press('Backspace')
  await page.keyboard.press('Control+z')
  await page.keyboard.press('Control+Shift+z')
  await page.keyboard.type('!')
  await page.focus('#elsewhere') // blur right away: the pending sync is flushed first
  const changes = await events(page, 'change')
  check(changes.length === 1 && changes[0].value === 'Hello **world!**', 'blur flushes and dispatches change', JSON.stringify(changes))

  // ---------------------------------------------------------------- 3. rich-editor:set / insert
  let before = (await events(page, 'input')).length
  await page.evaluate(() => {
    const ta = document.getElementById('body')
    ta.value = '# Other side\n\n- [x] seen'
    ta.dispatchEvent(new Event('rich-editor:set'))
  })
  await sleep(300)
  check((await events(page, 'input')).length === before, 'rich-editor:set does not dispatch input')
  check((await page.locator('.ProseMirror h1').textContent()) === 'Other side' && (await page.locator('.ProseMirror li[data-checked=true]').count()) === 1, 'rich-editor:set shows the new Markdown')

  const fresh = await addEditor(page, 'Existing text.')
  before = (await events(page, 'input')).length
  await page.evaluate(() => {
    const ta = document.querySelector('textarea[name=extra0]')
    ta.dataset.insert = '## Template\n\n- [ ] first step'
    ta.dispatchEvent(new Event('rich-editor:insert'))
  })
  let after = await events(page, 'input')
  check(after.length === before + 1 && after.at(-1).value === 'Existing text.\n\n## Template\n\n- [ ] first step', 'insert before any focus: at the end, input dispatched', JSON.stringify(after.at(-1)?.value))
  check(await page.evaluate(() => !('insert' in document.querySelector('textarea[name=extra0]').dataset)), 'data-insert removed')
  const empty = await addEditor(page, '')
  await page.evaluate(() => {
    const ta = document.querySelector('textarea[name=extra1]')
    ta.dataset.insert = '## Template'
    ta.dispatchEvent(new Event('rich-editor:insert'))
  })
  check((await textareaOf(page, empty)) === '## Template', 'insert into an empty editor leaves no empty paragraph', JSON.stringify(await textareaOf(page, empty)))
  await editorAt(page, fresh).locator('p').first().click({ position: { x: 1, y: 5 } }) // before "Existing"
  await page.evaluate(() => {
    const ta = document.querySelector('textarea[name=extra0]')
    ta.dataset.insert = '**Dx:** '
    ta.dispatchEvent(new Event('rich-editor:insert'))
  })
  check((await textareaOf(page, fresh)).startsWith('**Dx:** Existing text.'), 'insert after focus: at the cursor', JSON.stringify(await textareaOf(page, fresh)))

  // ---------------------------------------------------------------- 4. toolbar, links
  const t = await addEditor(page, 'word')
  await editorAt(page, t).click()
  await page.keyboard.press('Control+a')
  const dialogs = []
  page.on('dialog', d => {
    dialogs.push(`${d.type()}: ${d.message()}`)
    d.type() === 'prompt' ? d.accept(dialogs.length === 1 ? 'javascript:alert(1)' : 'example.org') : d.accept()
  })
  await page.click('.syei-editor >> nth=3 >> [aria-label=Link]')
  await page.keyboard.press('Control+a')
  await page.click('.syei-editor >> nth=3 >> [aria-label=Link]')
  await page.focus('#elsewhere')
  check((await textareaOf(page, t)) === '[word](https://example.org)', 'Link: javascript: refused, bare address becomes https://', `${JSON.stringify(await textareaOf(page, t))} dialogs: ${JSON.stringify(dialogs)}`)
  page.removeAllListeners('dialog')
  const tb = await addEditor(page, '')
  await editorAt(page, tb).click()
  for (const label of ['Heading 2', 'Heading 3', 'Bullet list', 'Numbered list', 'Checklist', 'Table']) {
    await page.click(`.syei-editor >> nth=${tb} >> [aria-label="${label}"]`)
    await page.keyboard.type(label)
    await page.keyboard.press('Enter')
    await page.keyboard.press('Enter')
  }
  await page.focus('#elsewhere')
  console.log('     toolbar output:\n       ' + (await textareaOf(page, tb)).replaceAll('\n', '\n       '))
  // Autolink: web addresses become links as you type, a javascript: "address" never does.
  const al = await addEditor(page, '')
  await editorAt(page, al).click()
  await page.keyboard.type('see javascript:alert(1) and www.example.com and mailto:desk@example.com ok')
  await page.focus('#elsewhere')
  check((await textareaOf(page, al)) === 'see javascript:alert(1) and [www.example.com](https://www.example.com) and [mailto:desk@example.com](mailto:desk@example.com) ok', 'autolink: https and mailto linked, javascript: not', JSON.stringify(await textareaOf(page, al)))
  // Roving focus: one Tab stop into the toolbar, arrows between buttons.
  await page.focus('#elsewhere')
  await page.evaluate(() => document.querySelector('.syei-editor [role=toolbar] button').focus())
  await page.keyboard.press('ArrowRight')
  await page.keyboard.press('ArrowRight')
  check((await page.evaluate(() => document.activeElement.getAttribute('aria-label'))) === 'Bold', 'toolbar arrow keys move between buttons')
  check((await page.evaluate(() => [...document.querySelectorAll('.syei-editor')[0].querySelectorAll('button')].filter(b => b.tabIndex === 0).length)) === 1, 'toolbar is one Tab stop')

  // ---------------------------------------------------------------- 5. paste
  const p = await addEditor(page, '')
  await editorAt(page, p).click()
  await page.evaluate(i => {
    const data = new DataTransfer()
    data.setData('text/html', '<div style="position:fixed;inset:0"><h2 style="color:red" onclick="alert(1)">Pasted <b>title</b></h2>' +
      '<script>window.pwned=1<\/script><style>body{display:none}</style>' +
      '<p class="fixed inset-0" data-x="1" onmouseover="alert(2)">Text with <a href="javascript:alert(3)">bad link</a> and ' +
      '<a href="https://ok.example/" class="fixed" target="_blank" onclick="alert(4)">good link</a>.</p>' +
      '<img src="x" onerror="window.pwned=2"><ul><li style="color:red">item</li></ul>' +
      '<table style="width:9999px"><tr><th>h</th></tr><tr><td style="background:red" onclick="x()">c</td></tr></table></div>')
    data.setData('text/plain', 'plain')
    document.querySelectorAll('.ProseMirror')[i].dispatchEvent(new ClipboardEvent('paste', { clipboardData: data, bubbles: true, cancelable: true }))
  }, p)
  await page.focus('#elsewhere')
  const pasted = await textareaOf(page, p)
  const pastedDom = await page.evaluate(i => document.querySelectorAll('.ProseMirror')[i].innerHTML, p)
  console.log('     pasted Markdown:\n       ' + pasted.replaceAll('\n', '\n       '))
  check(!/script|style|onclick|onmouseover|onerror|alert|javascript|pwned|color|fixed|data-x/i.test(pasted), 'paste: no script, style, handler or unknown attribute in the Markdown')
  // (Tiptap's own table view adds class="tableWrapper" and min-width styles on <col>.)
  check(!/color|position|9999|background|onclick|onmouseover|onerror|javascript:|class="fixed|target=|data-x|<img|<script|<style/i.test(pastedDom), 'paste: none in the editor DOM either', pastedDom.match(/ style="[^"]*"| class="[^"]*"/g)?.join(' ') ?? '')
  check(await page.evaluate(() => !window.pwned), 'paste ran no script')
  const blockedHandlers = (await events(page, 'csp')).length
  const g = await addEditor(page, '')
  await editorAt(page, g).click()
  await page.evaluate(i => {
    // What a word processor puts on the clipboard: formatting as inline styles.
    const data = new DataTransfer()
    data.setData('text/html', '<meta charset="utf-8"><b style="font-weight:normal;" id="docs-internal-guid-1"><p dir="ltr" style="line-height:1.38"><span style="font-weight:700">Bold</span><span style="font-weight:400"> and </span><span style="font-style:italic">italic</span></p><ul><li dir="ltr" style="list-style-type:disc"><p dir="ltr"><span>point</span></p></li></ul></b>')
    document.querySelectorAll('.ProseMirror')[i].dispatchEvent(new ClipboardEvent('paste', { clipboardData: data, bubbles: true, cancelable: true }))
  }, g)
  await page.focus('#elsewhere')
  check((await textareaOf(page, g)) === '**Bold** and *italic*\n\n- point', 'paste from a word processor keeps bold, italic and lists', JSON.stringify(await textareaOf(page, g)))

  // ---------------------------------------------------------------- 6. submit flush, invalid, mirror, removal
  await page.locator('.ProseMirror').first().click()
  await page.keyboard.press('Control+End')
  await page.keyboard.type(' typed just before submit')
  await page.evaluate(() => document.getElementById('note-form').requestSubmit())
  const submits = await events(page, 'submit')
  check(submits.at(-1)?.value.endsWith('typed just before submit'), 'submit sees the text typed within the debounce window')
  await page.evaluate(() => {
    const ta = document.getElementById('body')
    ta.value = ''
    ta.dispatchEvent(new Event('rich-editor:set'))
    document.getElementById('elsewhere').focus()
    document.getElementById('note-form').requestSubmit()
  })
  await sleep(100) // Tiptap focuses in the next animation frame
  check(await page.evaluate(() => document.activeElement.classList.contains('ProseMirror') && !!document.querySelector('.syei-editor--invalid')), 'empty required note: submit blocked, editor focused and marked')
  await page.evaluate(() => document.getElementById('body').setAttribute('aria-invalid', 'true'))
  await sleep(50)
  check((await page.locator('.ProseMirror').first().getAttribute('aria-invalid')) === 'true', 'aria-invalid mirrored from the textarea')
  await page.evaluate(() => document.getElementById('body').setAttribute('disabled', ''))
  await sleep(50)
  check((await page.locator('.ProseMirror').first().getAttribute('contenteditable')) === 'false', 'disabled textarea: editor read-only')
  const removed = await page.evaluate(async () => {
    const ta = document.querySelector('textarea[name=extra0]')
    const wrapper = ta.previousElementSibling
    ta.remove()
    await new Promise(r => setTimeout(r, 20))
    return !wrapper.isConnected
  })
  check(removed, 'textarea removed by the page: the editor goes too')
  const js = await addEditor(page, '[x](javascript:alert(1)) and <b>raw</b> & <img src=x onerror="window.pwned=3">')
  await sleep(50)
  const jsDom = await page.evaluate(i => document.querySelectorAll('.ProseMirror')[i].innerHTML, js)
  check(!/href="javascript|<img|<b>/.test(jsDom) && !(await page.evaluate(() => window.pwned)), 'Markdown with javascript: link and raw HTML: no live link, HTML shown as text', jsDom)
  // Chrome reports a CSP violation for every on* attribute the pasted HTML had, the moment
  // it is parsed (even in a detached document): blocked, never run. Nothing else may appear.
  const cspEvents = await events(page, 'csp')
  const otherErrors = page.errors.filter(e => !e.startsWith('Executing inline event handler violates') && !e.includes('favicon'))
  check(otherErrors.length === 0 && cspEvents.length === blockedHandlers && cspEvents.every(e => e.directive.startsWith('script-src')), 'no page errors or CSP violations besides the blocked on* handlers of the pasted HTML', `${blockedHandlers} blocked; ${JSON.stringify(otherErrors)}`)
  await page.close()

  // ---------------------------------------------------------------- 7. round trips
  page = await openPage()
  const samples = {
    'headings 1-3': '# Title\n\n## Section\n\n### Detail',
    'bold, italic, strike, code': 'Some **bold**, *italic*, ~~struck~~ and `code`.',
    'bullet list (nested)': '- one\n- two\n  - two a\n  - two b\n- three',
    'numbered list': '1. first\n2. second\n3. third',
    'checklist': '- [ ] open\n- [x] done\n- [ ] also open',
    'table (GFM)': '| Drug | Dose |\n| --- | --- |\n| Ibuprofen | 400 mg |\n| Paracetamol | 1 g |',
    'link': 'See [the guideline](https://example.com/a?b=1) or [mail us](mailto:desk@example.com).',
    'blockquote': '> Patient reports less pain.',
    'horizontal rule': 'Above\n\n---\n\nBelow',
    'code block': '```\nlet x = 1;\n```',
    'mixed note': '## Plan\n\nContinue **physio** twice a week.\n\n- [ ] book follow-up\n- [x] send letter\n\n| Day | Exercise |\n| --- | --- |\n| Mon | Walk 20 min |',
    'special characters': 'BP < 120 & HR > 60, 2 * 3, snake_case, #tag',
    'raw HTML (shown as text)': 'Use <b>tags</b> literally',
    'nested checklist': '- [ ] parent\n  - [x] child',
    'hard line break': 'line one  \nline two',
    'two lines in a table cell': '| Note |\n| --- |\n| line 1<br>line 2 |',
  }
  const results = {}
  for (const [name, md] of Object.entries(samples)) {
    const i = await addEditor(page, md)
    // Force a sync without changing the text: type a character and take it back.
    await page.evaluate(i => document.querySelectorAll('.ProseMirror')[i].focus(), i)
    await page.keyboard.type('x')
    await page.keyboard.press('Backspace')
    await page.focus('#elsewhere')
    const out = await textareaOf(page, i)
    // Not the same text: is it the same document? Load the output into a second editor.
    const j = await addEditor(page, out)
    const same = await page.evaluate(([i, j]) => {
      // Typing in the first one may have added the empty paragraph Tiptap keeps after a table.
      const html = k => document.querySelectorAll('.ProseMirror')[k].innerHTML.replace(/<p><br class="ProseMirror-trailingBreak"><\/p>$/, '')
      return html(i) === html(j)
    }, [i, j])
    results[name] = out === md ? 'identical text' : same ? `same document, written ${JSON.stringify(out)}` : `CHANGED to ${JSON.stringify(out)}`
    check(out === md || same, `round trip: ${name}`, out === md ? '' : results[name])
  }
  await page.close()

  // ---------------------------------------------------------------- 8. phone width
  page = await openPage({ width: 360, height: 740 })
  const phone = await page.evaluate(() => {
    const toolbar = document.querySelector('.syei-editor [role=toolbar]')
    const button = toolbar.querySelector('button').getBoundingClientRect()
    return { toolbar: toolbar.getBoundingClientRect().height, button: button.height, buttonWidth: button.width, scroll: document.documentElement.scrollWidth }
  })
  check(phone.toolbar > phone.button * 1.5 && phone.scroll <= 360, 'toolbar wraps at 360 px, no sideways scroll', JSON.stringify(phone))
  await page.screenshot({ path: '/tmp/note-editor-360.png' })
  await page.close()

  // ---------------------------------------------------------------- 9. 200 KB of Markdown
  page = await openPage()
  const note = size => {
    let md = ''
    for (let n = 1; md.length < size; n++) {
      md += `## Visit ${n}\n\nPatient seen for **follow-up**. Pain *reduced* since the last visit; continues exercises at home. See [notes](https://example.com/${n}).\n\n- [ ] review in two weeks\n- [x] prescription renewed\n\n| Measure | Value |\n| --- | --- |\n| BP | 120/80 |\n| HR | 64 |\n\n`
    }
    return `${md.trim()}\n\nEnd of the notes.`
  }
  const small = await page.evaluate(md => {
    const start = performance.now()
    const ta = document.createElement('textarea')
    ta.setAttribute('data-rich-editor', '')
    ta.value = md
    document.getElementById('more').append(ta)
    document.dispatchEvent(new Event('syei:enhance-editors'))
    return Math.round(performance.now() - start)
  }, note(20_000))
  console.log(`     20 KB note: enhance ${small} ms`)
  const big = note(200_000)
  const load = await page.evaluate(md => {
    const start = performance.now()
    const ta = document.createElement('textarea')
    ta.name = 'big'
    ta.setAttribute('aria-label', 'Big')
    ta.setAttribute('data-rich-editor', '')
    ta.value = md
    document.getElementById('more').append(ta)
    document.dispatchEvent(new Event('syei:enhance-editors'))
    return Math.round(performance.now() - start)
  }, big)
  // Key press to the next frame, in the editor and, for scale, in a plain contenteditable
  // holding the same HTML (what the browser alone costs on this machine).
  const keyToFrame = async (locator, text) => {
    await locator.click()
    await page.keyboard.press('Control+End')
    await page.evaluate(() => {
      window.smokeKeys = []
      window.smokeKeyListener ??= document.addEventListener('keydown', () => {
        const t = performance.now()
        requestAnimationFrame(() => setTimeout(() => smokeKeys.push(performance.now() - t)))
      }, true) ?? true
    })
    await page.keyboard.type(text, { delay: 60 })
    await sleep(300)
    const k = await page.evaluate(() => smokeKeys.sort((a, b) => a - b))
    return `median ${Math.round(k[k.length >> 1])} ms, p90 ${Math.round(k[Math.floor(k.length * 0.9)])} ms`
  }
  const typedText = ' typing at the end of a long note'
  const inEditor = await keyToFrame(page.locator('.ProseMirror').nth(2), typedText)
  // Within the debounce window: the blur does the whole serialisation.
  await page.keyboard.type('!')
  const syncMs = await page.evaluate(() => {
    const start = performance.now()
    document.getElementById('elsewhere').focus()
    return Math.round(performance.now() - start)
  })
  const bigOut = await page.inputValue('textarea[name=big]')
  // (Its tables come back with padded columns: the same document, other spaces.)
  const visits = md => md.match(/^## Visit \d+$/gm).length
  check(bigOut.endsWith(`End of the notes.${typedText}!`) && visits(bigOut) === visits(big), '200 KB note: typing reaches the textarea, every section still there')
  await page.evaluate(() => {
    const plain = document.createElement('div')
    plain.id = 'plain'
    plain.contentEditable = 'true'
    plain.innerHTML = document.querySelectorAll('.ProseMirror')[2].innerHTML
    document.body.append(plain)
  })
  const inPlain = await keyToFrame(page.locator('#plain'), typedText)
  console.log(`     200 KB (${big.length} bytes): enhance ${load} ms; key to frame ${inEditor} (plain contenteditable, same HTML: ${inPlain}); blur sync (getMarkdown) ${syncMs} ms`)
  await page.close()

  console.log('\nround trip summary:')
  for (const [name, r] of Object.entries(results)) console.log(`  ${name}: ${r}`)
} finally {
  await browser.close()
  server.close()
}
console.log(failures ? `\n${failures} check(s) failed` : '\nall checks passed')
process.exit(failures ? 1 : 0)
