/**
 * The API explorer (issue 14): GraphiQL from npm, bundled by Vite (vite.explorer.config.mts) and served by
 * the API itself at /explorer and to browsers at GET /graphql. Anonymous until the user pastes a key; the
 * key is held in this page's memory only (React state), sent as a bearer token, and gone on reload.
 */
import "graphiql/setup-workers/vite";
import "graphiql/style.css";
import "./explorer.css";
import { GraphiQL } from "graphiql";
import { createElement as h, useMemo, useState, type FormEvent } from "react";
import { createRoot } from "react-dom/client";
import { keyedFetcher } from "./fetcher";
import { memoryStorage } from "./memory-storage";

const storage = memoryStorage();

const DEFAULT_QUERY = `# Public fields need no key; paste an API key above for your own data.
{
  products(first: 10) {
    edges { node { code nameJa nameEn validationLevel } }
  }
}
`;

/** `/explorer#query=…` opens with that query (links to prepared examples); never a key. */
function queryFromHash(): string | undefined {
  const q = new URLSearchParams(location.hash.slice(1)).get("query");
  return q ?? undefined;
}

function KeyBar(props: { active: boolean; onKey: (key: string) => void }) {
  const [draft, setDraft] = useState("");
  const submit = (e: FormEvent) => {
    e.preventDefault();
    props.onKey(draft.trim());
    setDraft("");
  };
  return h(
    "form",
    { className: "akashi-keybar", onSubmit: submit, autoComplete: "off" },
    h("strong", null, "Akashi API explorer"),
    h("label", { htmlFor: "akashi-key" }, "API key"),
    h("input", {
      id: "akashi-key",
      type: "password",
      value: draft,
      placeholder: props.active ? "a key is in use (memory only)" : "ak_… (kept in this page's memory only)",
      autoComplete: "off",
      spellCheck: false,
      onChange: (e: { target: { value: string } }) => setDraft(e.target.value),
    }),
    h("button", { type: "submit" }, "Use key"),
    h("button", { type: "button", onClick: () => props.onKey(""), disabled: !props.active }, "Forget key"),
    h(
      "span",
      { role: "status", "data-key-state": props.active ? "keyed" : "anonymous" },
      props.active ? "Keyed: your own data" : "Anonymous: public fields only",
    ),
  );
}

function Explorer() {
  const [key, setKey] = useState("");
  const [initial] = useState(queryFromHash);
  // A new fetcher per key: GraphiQL asks for the schema again with it.
  const fetcher = useMemo(() => keyedFetcher(key), [key]);
  return h(
    "div",
    { className: "akashi-explorer" },
    h(KeyBar, { active: key !== "", onKey: setKey }),
    h(GraphiQL, {
      fetcher,
      storage,
      defaultQuery: DEFAULT_QUERY,
      initialQuery: initial,
      isHeadersEditorEnabled: false,
      shouldPersistHeaders: false,
    }),
  );
}

const root = document.getElementById("root");
if (root) createRoot(root).render(h(Explorer));
