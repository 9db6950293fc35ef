// Draftail entities of the site (rich_text.py): an abbreviation carries its expansion, a date its ISO form.
// The source asks for the value with the browser's own dialog (keyboard and screen-reader friendly) and applies
// the entity to the selected text; clicking a marked word in the editor asks again (empty value: remove it).
(() => {
  const React = window.React;
  const { EditorState, Modifier, SelectionState } = window.DraftJS;
  const lang = (document.documentElement.lang || "it").slice(0, 2);
  const TEXT = {
    it: {
      ABBR: "Per esteso (es. Registro unico nazionale del Terzo settore):",
      TIME: "Data in formato AAAA-MM-GG (es. 2026-11-26):",
      badDate: "La data deve essere nel formato AAAA-MM-GG.",
      select: "Seleziona prima il testo.",
    },
    en: {
      ABBR: "In full (e.g. Registro unico nazionale del Terzo settore):",
      TIME: "Date as YYYY-MM-DD (e.g. 2026-11-26):",
      badDate: "The date must be in the form YYYY-MM-DD.",
      select: "Select the text first.",
    },
  }[lang === "en" ? "en" : "it"];
  const FIELD = { ABBR: "title", TIME: "datetime" };

  function ask(type, current) {
    for (;;) {
      const answer = window.prompt(TEXT[type], current || "");
      if (answer === null) return null;
      const value = answer.trim();
      if (type !== "TIME" || value === "" || /^\d{4}-\d{2}-\d{2}$/.test(value)) return value;
      window.alert(TEXT.badDate);
      current = value;
    }
  }

  // The whole run of text that carries the entity in the block where the cursor is.
  function removeEntity(content, selection, entityKey) {
    const block = content.getBlockForKey(selection.getAnchorKey());
    let next = content;
    block.findEntityRanges(
      (character) => character.getEntity() === entityKey,
      (start, end) => {
        const range = SelectionState.createEmpty(block.getKey()).merge({ anchorOffset: start, focusOffset: end });
        next = Modifier.applyEntity(next, range, null);
      },
    );
    return next;
  }

  class ValueSource extends React.Component {
    componentDidMount() {
      const { editorState, entityType, entity, entityKey, onComplete, onClose } = this.props;
      const field = FIELD[entityType.type];
      const selection = editorState.getSelection();
      if (!entity && selection.isCollapsed()) {
        window.alert(TEXT.select);
        onClose();
        return;
      }
      const value = ask(entityType.type, entity ? entity.getData()[field] : "");
      if (value === null) {
        onClose();
        return;
      }
      let content = editorState.getCurrentContent();
      if (entity) {
        if (value === "") {
          onComplete(EditorState.push(editorState, removeEntity(content, selection, entityKey), "apply-entity"));
          return;
        }
        content = content.mergeEntityData(entityKey, { [field]: value });
        onComplete(EditorState.push(editorState, content, "apply-entity"));
        return;
      }
      if (value === "") {
        onClose();
        return;
      }
      content = content.createEntity(entityType.type, "MUTABLE", { [field]: value });
      const key = content.getLastCreatedEntityKey();
      content = Modifier.applyEntity(content, selection, key);
      onComplete(EditorState.push(editorState, content, "apply-entity"));
    }

    render() {
      return null;
    }
  }

  function decorator(type) {
    return function ValueDecorator({ entityKey, contentState, children, onEdit }) {
      const value = contentState.getEntity(entityKey).getData()[FIELD[type]] || "";
      return React.createElement(
        "span",
        {
          className: `website-draftail-${type.toLowerCase()}`,
          title: value,
          "data-value": value,
          role: "button",
          onMouseUp: () => onEdit && onEdit(entityKey),
        },
        children,
      );
    };
  }

  for (const type of Object.keys(FIELD)) {
    window.draftail.registerPlugin({ type, source: ValueSource, decorator: decorator(type) }, "entityTypes");
  }
})();
