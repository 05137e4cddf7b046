// The rich Markdown editor for note bodies (Tiptap 3). It enhances each
// `<textarea data-rich-editor>`: the textarea stays in the form, hidden, and keeps holding the
// Markdown, so the form submits as it would without JavaScript. See editor/README.md for the
// contract with the Leptos side.

import { Editor } from '@tiptap/core'
import { Link } from '@tiptap/extension-link'
import { TaskItem, TaskList } from '@tiptap/extension-list'
import { Table, TableCell, TableHeader, TableRow } from '@tiptap/extension-table'
import { Markdown } from '@tiptap/markdown'
import StarterKit from '@tiptap/starter-kit'
import { Marked } from 'marked'

import css from './note-editor.css' // bundled as text (esbuild --loader:.css=text)

/* global TIPTAP_VERSION */ // replaced at build time (esbuild --define)

// The textarea is synced this long after the last change; longer for a note so big that its
// serialisation is slow (see flush), so typing stays smooth. Blur, submit and leaving the page
// flush a pending sync at once.
const SYNC_DELAY_MS = 150
const SYNC_DELAY_MAX_MS = 2000
const MAC = /Mac|iPhone|iPad/.test(navigator.platform)
const MOD = MAC ? 'Cmd' : 'Ctrl'

/** Whether `url` may be a link: http, https and mailto only, or no scheme at all (a bare
 * "example.com" that autolink completes with https://, or a relative link). */
function isAllowedUri(url) {
  // Browsers ignore whitespace and control characters inside a scheme ("java\tscript:").
  const clean = String(url ?? '').replace(/[\u0000-\u0020\u007f-\u00a0\u1680\u2000-\u200f\u2028-\u202f\u205f\u3000\ufeff]/g, '')
  const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(clean)
  return scheme ? ['http', 'https', 'mailto'].includes(scheme[1].toLowerCase()) : clean !== ''
}

// The server shows raw HTML in a note as text (app/src/server/services/markdown.rs), so the
// editor must too: with the HTML tokenizers switched off (returning nothing instead of a token)
// `<b>x</b>` stays the literal text it is on the read views. The one exception is `<br>`: the
// table serialiser writes a line break inside a cell as `<br>` (a GFM cell is one line), and
// `false` hands it to marked's own tokenizer so it reads back as a line break. Its own
// instance: marked's shared default is left alone.
const BR = /^<br\s*\/?>/i
const marked = new Marked({ tokenizer: { html: () => undefined, tag: src => (BR.test(src) ? false : undefined) } })

// A link keeps its address and title only: a pasted `class`, `target` or `rel` is dropped (the
// Markdown has no place for them either, and an app class must not restyle the editor).
const SafeLink = Link.extend({
  addAttributes() {
    const { href, title } = this.parent()
    return { href, title }
  },
  addKeyboardShortcuts() {
    return { 'Mod-k': () => (askForLink(this.editor), true) }
  },
}).configure({
  openOnClick: false,
  autolink: true,
  linkOnPaste: true,
  defaultProtocol: 'https',
  protocols: [], // nothing beyond http, https and mailto (isAllowedUri below decides)
  isAllowedUri: url => isAllowedUri(url),
  HTMLAttributes: { target: null, rel: 'noopener noreferrer nofollow', class: null },
})

const extensions = () => [
  StarterKit.configure({
    heading: { levels: [1, 2, 3] },
    link: false, // SafeLink instead
    underline: false, // no Markdown for it: Ctrl+U would make text the read views cannot show
  }),
  SafeLink,
  TaskList,
  TaskItem.configure({ nested: true }),
  Table.configure({ resizable: false }),
  TableRow,
  TableHeader,
  TableCell,
  Markdown.configure({ marked }),
]

/** The Link button and Mod-k: asks for the address; refuses anything but http(s) and mailto. */
function askForLink(editor) {
  const current = editor.getAttributes('link').href ?? ''
  const answer = window.prompt('Link address (https://…, or empty to remove the link)', current)
  if (answer === null) return
  const raw = answer.trim()
  if (raw === '') {
    editor.chain().focus().extendMarkRange('link').unsetLink().run()
    return
  }
  // A bare address gets a scheme: mailto: for an e-mail address, https:// otherwise.
  const href = /^[a-z][a-z0-9+.-]*:/i.test(raw) ? raw : /^[^\s@/]+@[^\s@/]+$/.test(raw) ? `mailto:${raw}` : `https://${raw}`
  if (!/^(https?:\/\/|mailto:)/i.test(href)) {
    window.alert('Only web (https://) and e-mail (mailto:) links are allowed.')
    editor.commands.focus()
    return
  }
  if (editor.state.selection.empty && !editor.isActive('link')) {
    // Nothing selected: the address itself becomes the link text.
    editor.chain().focus().insertContent({ type: 'text', text: raw, marks: [{ type: 'link', attrs: { href } }] }).run()
  } else {
    editor.chain().focus().extendMarkRange('link').setLink({ href }).run()
  }
}

// The toolbar. `run` gets a focused command chain; `active` drives aria-pressed.
const BUTTONS = [
  { label: 'Heading 2', keys: `${MOD}+Alt+2`, text: 'H2', run: c => c.toggleHeading({ level: 2 }), active: e => e.isActive('heading', { level: 2 }) },
  { label: 'Heading 3', keys: `${MOD}+Alt+3`, text: 'H3', run: c => c.toggleHeading({ level: 3 }), active: e => e.isActive('heading', { level: 3 }) },
  { label: 'Bold', keys: `${MOD}+B`, text: 'B', cls: 'syei-b', run: c => c.toggleBold(), active: e => e.isActive('bold') },
  { label: 'Italic', keys: `${MOD}+I`, text: 'I', cls: 'syei-i', run: c => c.toggleItalic(), active: e => e.isActive('italic') },
  { label: 'Bullet list', keys: `${MOD}+Shift+8`, text: '•', run: c => c.toggleBulletList(), active: e => e.isActive('bulletList') },
  { label: 'Numbered list', keys: `${MOD}+Shift+7`, text: '1.', run: c => c.toggleOrderedList(), active: e => e.isActive('orderedList') },
  { label: 'Checklist', keys: `${MOD}+Shift+9`, text: '☑', run: c => c.toggleTaskList(), active: e => e.isActive('taskList') },
  { label: 'Table', text: '▦', run: c => c.insertTable({ rows: 3, cols: 3, withHeaderRow: true }), enabled: e => e.can().insertTable({ rows: 3, cols: 3, withHeaderRow: true }) },
  { label: 'Link', keys: `${MOD}+K`, text: 'Link', link: true, active: e => e.isActive('link') },
  { label: 'Undo', keys: `${MOD}+Z`, text: '↶', run: c => c.undo(), enabled: e => e.can().undo() },
  { label: 'Redo', keys: `${MOD}+Shift+Z`, text: '↷', run: c => c.redo(), enabled: e => e.can().redo() },
]

/** The accessible name of a textarea: its aria-label, else its <label> text without the parts
 * hidden from screen readers (the required-field asterisk). */
function accessibleName(textarea) {
  const own = textarea.getAttribute('aria-label')
  if (own) return own
  return Array.from(textarea.labels ?? [], label => {
    const copy = label.cloneNode(true)
    copy.querySelectorAll('[aria-hidden="true"]').forEach(hidden => hidden.remove())
    return copy.textContent.trim()
  }).filter(Boolean).join(' ')
}

// Attributes of the textarea the editor mirrors while it lives (the page may change them).
const MIRRORED = ['aria-label', 'aria-labelledby', 'aria-describedby', 'aria-invalid', 'required', 'disabled', 'readonly']

const live = new Set() // one entry per enhanced textarea: { textarea, flush, destroy }
let editorCount = 0

function enhance(textarea) {
  const id = `syei-editor-${++editorCount}`
  const wrapper = document.createElement('div')
  wrapper.className = 'syei-editor'
  const toolbar = document.createElement('div')
  toolbar.className = 'syei-editor-toolbar'
  toolbar.setAttribute('role', 'toolbar')
  toolbar.setAttribute('aria-label', 'Formatting')
  toolbar.setAttribute('aria-controls', id)
  const content = document.createElement('div')
  content.className = 'syei-editor-content'
  wrapper.append(toolbar, content)

  let editor
  try {
    editor = new Editor({
      element: content,
      extensions: extensions(),
      content: textarea.value,
      contentType: 'markdown',
      editorProps: { attributes: { id, 'aria-multiline': 'true' } }, // role="textbox" is Tiptap's
    })
  } catch (error) {
    // Markdown the editor cannot take: the plain textarea stays the field (and is not tried again).
    console.error('[note-editor] left the textarea as it is:', error)
    textarea.dataset.richEditorReady = 'failed'
    return
  }
  textarea.before(wrapper)
  textarea.style.display = 'none'
  textarea.dataset.richEditorReady = 'true'
  const view = editor.view.dom
  const rows = Number(textarea.getAttribute('rows'))
  if (rows > 0) view.style.minHeight = `${rows * 1.5 + 1}em`

  // --- the textarea follows the editor (debounced: serialising a long note takes a while) ---
  let timer = 0
  let dirty = false
  let hadFocus = false
  let delay = SYNC_DELAY_MS
  const flush = () => {
    clearTimeout(timer)
    timer = 0
    if (!dirty) return
    dirty = false
    const start = performance.now()
    // Without the blank lines the serialiser leaves around a leading or trailing table.
    textarea.value = editor.getMarkdown().replace(/^\n+/, '').trimEnd()
    // About 1 ms for an ordinary note, a few hundred for 200 KB: then wait longer next time,
    // so that syncing takes at most about a quarter of the typing time.
    delay = Math.min(SYNC_DELAY_MAX_MS, Math.max(SYNC_DELAY_MS, 3 * (performance.now() - start)))
    textarea.dispatchEvent(new Event('input', { bubbles: true }))
  }
  editor.on('update', () => {
    dirty = true
    wrapper.classList.remove('syei-editor--invalid')
    clearTimeout(timer)
    timer = setTimeout(flush, delay)
  })
  editor.on('focus', () => {
    hadFocus = true
  })
  editor.on('blur', () => {
    flush()
    textarea.dispatchEvent(new Event('change', { bubbles: true }))
  })

  // --- the page talks to the editor through events on the textarea ---
  const onSet = () => {
    // The page's value wins over a sync still waiting, and is not echoed back as `input`.
    clearTimeout(timer)
    timer = 0
    dirty = false
    editor.commands.setContent(textarea.value, { contentType: 'markdown', emitUpdate: false })
  }
  const onInsert = () => {
    const markdown = textarea.dataset.insert
    if (markdown) {
      const blocks = editor.markdown.parse(markdown).content ?? []
      const size = editor.state.doc.content.size
      if (hadFocus) {
        // A one-paragraph snippet goes in as text at the cursor, instead of a paragraph that
        // splits the one the cursor is in.
        const single = blocks.length === 1 && blocks[0].type === 'paragraph'
        editor.commands.insertContent(single ? (blocks[0].content ?? []) : blocks)
      } else {
        // Never focused: at the end, or in place of the empty paragraph of an empty note.
        editor.commands.insertContentAt(editor.isEmpty ? { from: 0, to: size } : size, blocks)
      }
    }
    delete textarea.dataset.insert
    flush()
  }
  // A `required` textarea that is hidden cannot show the browser's message; show the editor.
  const onInvalid = event => {
    event.preventDefault() // the browser's message could not show, only a console error
    wrapper.classList.add('syei-editor--invalid')
    editor.commands.focus()
  }
  // Clicking the textarea's <label> would focus the hidden textarea, that is nothing.
  const onLabelClick = event => {
    event.preventDefault()
    editor.commands.focus()
  }
  const labels = Array.from(textarea.labels ?? [])
  textarea.addEventListener('rich-editor:set', onSet)
  textarea.addEventListener('rich-editor:insert', onInsert)
  textarea.addEventListener('invalid', onInvalid)
  labels.forEach(label => label.addEventListener('click', onLabelClick))

  // --- the editor follows the textarea's name, description, validity and state ---
  const mirror = () => {
    const name = accessibleName(textarea)
    const set = (attr, value) => (value ? view.setAttribute(attr, value) : view.removeAttribute(attr))
    set('aria-label', textarea.getAttribute('aria-labelledby') ? null : name)
    set('aria-labelledby', textarea.getAttribute('aria-labelledby'))
    set('aria-describedby', textarea.getAttribute('aria-describedby'))
    set('aria-invalid', textarea.getAttribute('aria-invalid'))
    set('aria-required', textarea.required ? 'true' : null)
    const editable = !textarea.disabled && !textarea.readOnly
    if (editor.isEditable !== editable) editor.setEditable(editable, false)
    updateToolbar()
  }

  // --- toolbar: real buttons, one Tab stop, arrow keys between them (ARIA toolbar pattern) ---
  const buttons = BUTTONS.map((spec, index) => {
    const button = document.createElement('button')
    button.type = 'button'
    button.textContent = spec.text
    if (spec.cls) button.className = spec.cls
    button.setAttribute('aria-label', spec.label)
    button.title = spec.keys ? `${spec.label} (${spec.keys})` : spec.label
    button.tabIndex = index === 0 ? 0 : -1
    if (spec.active) button.setAttribute('aria-pressed', 'false')
    // Keep the focus (and the selection) in the text while clicking a button.
    button.addEventListener('mousedown', event => event.preventDefault())
    button.addEventListener('click', () => {
      if (button.getAttribute('aria-disabled') === 'true') return
      if (spec.link) askForLink(editor)
      else spec.run(editor.chain().focus()).run()
    })
    toolbar.append(button)
    return button
  })
  toolbar.addEventListener('keydown', event => {
    const from = buttons.indexOf(document.activeElement)
    const moves = { ArrowRight: from + 1, ArrowLeft: from - 1, Home: 0, End: buttons.length - 1 }
    if (from < 0 || !(event.key in moves)) return
    event.preventDefault()
    buttons[(moves[event.key] + buttons.length) % buttons.length].focus()
  })
  toolbar.addEventListener('focusin', event => {
    buttons.forEach(button => (button.tabIndex = button === event.target ? 0 : -1))
  })

  // Button states after each transaction, at most once a frame (typing fires many).
  let frame = 0
  function updateToolbar() {
    if (frame) return
    frame = requestAnimationFrame(() => {
      frame = 0
      if (editor.isDestroyed) return
      BUTTONS.forEach((spec, i) => {
        if (spec.active) buttons[i].setAttribute('aria-pressed', String(spec.active(editor)))
        const enabled = editor.isEditable && (!spec.enabled || spec.enabled(editor))
        buttons[i].setAttribute('aria-disabled', String(!enabled))
      })
    })
  }
  editor.on('transaction', updateToolbar)

  // Leptos may take the textarea out of the page (the component unmounts); then the editor
  // goes too. Watching the parent's children catches that; mirror() the attribute changes.
  const observer = new MutationObserver(() => {
    if (textarea.parentNode !== wrapper.parentNode) destroy()
    else mirror()
  })
  observer.observe(textarea, { attributes: true, attributeFilter: MIRRORED })
  observer.observe(textarea.parentNode, { childList: true })

  const entry = { textarea, flush, destroy }
  function destroy() {
    flush()
    observer.disconnect()
    cancelAnimationFrame(frame)
    textarea.removeEventListener('rich-editor:set', onSet)
    textarea.removeEventListener('rich-editor:insert', onInsert)
    textarea.removeEventListener('invalid', onInvalid)
    labels.forEach(label => label.removeEventListener('click', onLabelClick))
    editor.destroy()
    wrapper.remove()
    // If the textarea comes back, it is a plain field again until the next enhance event.
    textarea.style.display = ''
    delete textarea.dataset.richEditorReady
    live.delete(entry)
  }
  live.add(entry)
  mirror()
}

function enhanceAll() {
  live.forEach(entry => entry.textarea.isConnected || entry.destroy())
  document.querySelectorAll('textarea[data-rich-editor]:not([data-rich-editor-ready])').forEach(enhance)
}

const flushAll = () => live.forEach(entry => entry.flush())

// Styles once per page (CSP allows inline styles: style-src 'unsafe-inline').
const style = document.createElement('style')
style.dataset.syeiEditor = ''
style.textContent = css
document.head.append(style)

document.addEventListener('syei:enhance-editors', enhanceAll)
// A pending sync must reach the textarea before anything reads it: a submit (capture, so before
// the page's own handlers), leaving the page, or the tab going to the background on a phone.
document.addEventListener('submit', flushAll, true)
window.addEventListener('beforeunload', flushAll)
window.addEventListener('pagehide', flushAll)
document.addEventListener('visibilitychange', flushAll)

enhanceAll()
window.syeiEditorVersion = TIPTAP_VERSION
