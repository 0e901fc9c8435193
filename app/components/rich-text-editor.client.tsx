import { mergeAttributes, Node, type Editor } from "@tiptap/core";
import { EditorContent, useEditor, useEditorState } from "@tiptap/react";
import StarterKit from "@tiptap/starter-kit";
import { useEffect } from "react";

/**
 * The post body's rich-text editor (Tiptap, ADR 033). Client only: the `.client` suffix keeps it out of the server
 * build, and the editor page loads it with a dynamic import after hydration, so neither the Worker nor other pages
 * carry it. It edits the HTML the form's textarea holds and writes every change back there: the textarea is still
 * what the form submits (and what a reader without JavaScript types into), and the server's sanitiser
 * (server/services/posts/sanitise.ts) stays the authority over what is kept. The nodes below produce exactly the
 * markup that allow-list reads: `img`/`audio` by `data-media-id`, episode embeds as `figure[data-episode-id]`.
 */

/** An image from the media library; the server writes its address from the id on save. */
const MediaImage = Node.create({
  name: "mediaImage",
  group: "block",
  atom: true,
  draggable: true,
  addAttributes() {
    return {
      mediaId: { default: null, parseHTML: (el) => el.getAttribute("data-media-id"), renderHTML: () => ({}) },
      src: { default: null },
      alt: { default: "" },
    };
  },
  parseHTML: () => [{ tag: "img[data-media-id]" }],
  renderHTML({ node, HTMLAttributes }) {
    return ["img", mergeAttributes(HTMLAttributes, { "data-media-id": node.attrs.mediaId as string })];
  },
});

/** An audio file from the media library. */
const MediaAudio = Node.create({
  name: "mediaAudio",
  group: "block",
  atom: true,
  draggable: true,
  addAttributes() {
    return {
      mediaId: { default: null, parseHTML: (el) => el.getAttribute("data-media-id"), renderHTML: () => ({}) },
      src: { default: null },
    };
  },
  parseHTML: () => [{ tag: "audio[data-media-id]" }],
  renderHTML({ node, HTMLAttributes }) {
    return ["audio", mergeAttributes(HTMLAttributes, { "data-media-id": node.attrs.mediaId as string, controls: "" })];
  },
});

/** An episode embed; the server writes its caption (and player) from the id on save. */
const EpisodeEmbed = Node.create({
  name: "episodeEmbed",
  group: "block",
  atom: true,
  draggable: true,
  addAttributes() {
    return {
      episodeId: { default: null, parseHTML: (el) => el.getAttribute("data-episode-id"), renderHTML: () => ({}) },
      caption: {
        default: "Episode",
        parseHTML: (el) => el.querySelector("figcaption")?.textContent ?? "Episode",
        renderHTML: () => ({}),
      },
    };
  },
  parseHTML: () => [{ tag: "figure[data-episode-id]" }],
  renderHTML({ node }) {
    return [
      "figure",
      { "data-episode-id": node.attrs.episodeId as string, class: "post-episode" },
      ["figcaption", {}, node.attrs.caption as string],
    ];
  },
});

type Mark = "bold" | "italic" | "link";

function Toolbar({ editor }: { editor: Editor }) {
  const state = useEditorState({
    editor,
    selector: ({ editor: e }) => ({
      bold: e.isActive("bold"),
      italic: e.isActive("italic"),
      link: e.isActive("link"),
      h2: e.isActive("heading", { level: 2 }),
      h3: e.isActive("heading", { level: 3 }),
      bulletList: e.isActive("bulletList"),
      orderedList: e.isActive("orderedList"),
      blockquote: e.isActive("blockquote"),
    }),
  });
  const toggleLink = () => {
    if (state.link) {
      editor.chain().focus().unsetLink().run();
      return;
    }
    const href = window.prompt("Link address (https://…)");
    if (href) editor.chain().focus().extendMarkRange("link").setLink({ href }).run();
  };
  const button = (label: string, pressed: boolean, run: () => void, key?: Mark | string) => (
    <button
      key={key ?? label}
      type="button"
      className="button button-secondary button-small"
      aria-pressed={pressed}
      onClick={run}
    >
      {label}
    </button>
  );
  return (
    <div role="toolbar" aria-label="Formatting" aria-controls="post-body-editor" className="editor-toolbar">
      {button("Heading", state.h2, () => editor.chain().focus().toggleHeading({ level: 2 }).run(), "h2")}
      {button("Subheading", state.h3, () => editor.chain().focus().toggleHeading({ level: 3 }).run(), "h3")}
      {button("Bold", state.bold, () => editor.chain().focus().toggleBold().run())}
      {button("Italic", state.italic, () => editor.chain().focus().toggleItalic().run())}
      {button(state.link ? "Remove link" : "Link", state.link, toggleLink, "link")}
      {button("Bulleted list", state.bulletList, () => editor.chain().focus().toggleBulletList().run())}
      {button("Numbered list", state.orderedList, () => editor.chain().focus().toggleOrderedList().run())}
      {button("Quote", state.blockquote, () => editor.chain().focus().toggleBlockquote().run())}
    </div>
  );
}

export interface RichTextEditorHandle {
  insert(markup: string): void;
}

export default function RichTextEditor(props: {
  /** The textarea the form submits: the editor starts from its value and writes every change back to it. */
  textarea: HTMLTextAreaElement;
  onReady: (handle: RichTextEditorHandle | null) => void;
}) {
  const { textarea, onReady } = props;
  const editor = useEditor({
    immediatelyRender: false,
    extensions: [
      StarterKit.configure({
        heading: { levels: [2, 3, 4] },
        link: { openOnClick: false, protocols: ["mailto"], HTMLAttributes: { rel: null, target: null } },
      }),
      MediaImage,
      MediaAudio,
      EpisodeEmbed,
    ],
    content: textarea.value,
    editorProps: {
      attributes: {
        id: "post-body-editor",
        class: "post-body editor-content",
        role: "textbox",
        "aria-multiline": "true",
        "aria-labelledby": "bodyHtml-label",
      },
    },
    onUpdate: ({ editor: e }) => {
      textarea.value = e.getHTML();
    },
  });
  useEffect(() => {
    if (!editor) return;
    onReady({ insert: (markup) => editor.chain().focus().insertContent(markup).run() });
    return () => onReady(null);
  }, [editor, onReady]);
  if (!editor) return null;
  return (
    <div className="rich-text-editor">
      <Toolbar editor={editor} />
      <EditorContent editor={editor} />
    </div>
  );
}
