import { MarkdownRenderer, Notice, type MarkdownView, type Editor, type MarkdownFileInfo, type Menu, type WorkspaceLeaf } from 'obsidian';
import { ConversationStore, ResearchAgent, SavedAnswer, type AskContext, type AskResult } from '../../core/ask';
import { systemClock } from '../../core/ports/clock';
import { VaultIndex } from '../../core/search';
import type { VaultSearch } from '../../core/search/types';
import type { PluginContext } from '../../obsidian/plugin-context';
import { CHAT_VIEW_TYPE, ChatView, type AnswerAction } from './chat-view';
import { chatWeb } from '../web/chat-web';
import { t } from '../../i18n/plugin';

export interface ChatFeatureOptions {
  /**
   * The plugin's shared vault index, or null while it is still loading. When absent the chat
   * keeps its own index, built on the first question (from the cache when there is one).
   */
  search?: () => VaultSearch | null;
  /** Extra buttons under every answer ("Make slides", "Make chart"). */
  answerActions?: () => readonly AnswerAction[];
  /** False when the user says the model cannot call tools (a setting); default: try tools, fall back when refused. */
  useTools?: () => boolean;
}

/**
 * Registers the chat: its sidebar view, a ribbon icon, the "Open chat", "Ask about current note"
 * and "Ask about selection" commands and the editor menu item. Called once from `main.ts`.
 */
export function registerChat(ctx: PluginContext, options: ChatFeatureOptions): void {
  const { plugin, app } = ctx;
  const store = new ConversationStore({ state: ctx.state });

  const saveAnswer = async (result: AskResult): Promise<string | null> => {
    // Refuses an incomplete answer; never replaces another note (it takes a numbered name); applied as a plan so "undo" can take it back.
    // Written by the plugin's one writer, so it lands in the same undo history as everything else.
    const saved = await new SavedAnswer({ writer: ctx.writer, vault: ctx.vault, clock: systemClock }).save(result);
    return saved.path;
  };

  let ownIndex: Promise<VaultIndex> | null = null;
  const searchFor = async (): Promise<VaultSearch> => {
    if (options.search) {
      const shared = options.search();
      if (!shared) throw new Error(t('chat.indexLoading'));
      return shared;
    }
    ownIndex ??= (async () => {
      const index = new VaultIndex({ vault: ctx.vault, state: ctx.state, settings: ctx.settings(), persistDelayMs: 30_000 });
      new Notice(t('chat.indexing'));
      await index.load();
      plugin.register(index.attach());
      await index.sync();
      await index.persist().catch(() => undefined);
      return index;
    })().catch((error: unknown) => {
      ownIndex = null;
      throw error;
    });
    return ownIndex;
  };

  // Endpoints (base URL + model) that refused tools: later questions go straight to retrieve-then-answer.
  const noTools = new Set<string>();
  const createAgent = async (): Promise<ResearchAgent> => {
    const search = await searchFor();
    const s = ctx.settings();
    const endpoint = `${s.baseURL}|${s.model}`;
    return new ResearchAgent({
      client: ctx.client(),
      search,
      vault: ctx.vault,
      wikiFolder: s.wikiFolder,
      rawFolder: s.rawFolder,
      contextChars: s.contextTokens * 3,
      useTools: (options.useTools?.() ?? true) && !noTools.has(endpoint),
      onToolsRejected: () => noTools.add(endpoint),
      ...chatWeb(app, s),
    });
  };

  // Hovering a link in the chat shows Obsidian's page preview (the view triggers 'hover-link').
  plugin.registerHoverLinkSource(CHAT_VIEW_TYPE, { display: 'Scriptorium', defaultMod: false });

  plugin.registerView(
    CHAT_VIEW_TYPE,
    (leaf) =>
      new ChatView(leaf, {
        store,
        createAgent,
        saveAnswer,
        renderMarkdown: (markdown, el, sourcePath, component) => MarkdownRenderer.render(app, markdown, el, sourcePath, component),
        openLink: (linktext, newLeaf) => void app.workspace.openLinkText(linktext, '', newLeaf),
        notePaths: () => app.vault.getMarkdownFiles().map((f) => f.path),
        answerActions: options.answerActions,
      }),
  );

  const openChat = async (): Promise<ChatView | null> => {
    const { workspace } = app;
    let leaf: WorkspaceLeaf | null = workspace.getLeavesOfType(CHAT_VIEW_TYPE)[0] ?? null;
    if (!leaf) {
      leaf = workspace.getRightLeaf(false);
      if (!leaf) return null;
      await leaf.setViewState({ type: CHAT_VIEW_TYPE, active: true });
    }
    await workspace.revealLeaf(leaf);
    await leaf.loadIfDeferred();
    return leaf.view instanceof ChatView ? leaf.view : null;
  };

  const askWith = async (item: AskContext): Promise<void> => {
    const view = await openChat();
    if (!view) {
      new Notice(t('chat.couldNotOpen'));
      return;
    }
    view.addContext(item);
  };

  plugin.addRibbonIcon('messages-square', t('command.openChat'), () => void openChat());

  plugin.addCommand({ id: 'open-chat', name: t('command.openChat'), callback: () => void openChat() });

  plugin.addCommand({
    id: 'ask-about-current-note',
    name: t('command.askAboutCurrentNote'),
    checkCallback: (checking) => {
      const file = app.workspace.getActiveFile();
      if (!file || file.extension !== 'md') return false;
      if (!checking) void askWith({ kind: 'note', path: file.path });
      return true;
    },
  });

  const askAboutSelection = (editor: Editor, info: MarkdownView | MarkdownFileInfo) => {
    const text = editor.getSelection();
    if (text.trim() === '') return false;
    void askWith({ kind: 'selection', path: info.file?.path ?? null, text });
    return true;
  };

  plugin.addCommand({
    id: 'ask-about-selection',
    name: t('command.askAboutSelection'),
    editorCheckCallback: (checking, editor, info) => {
      if (editor.getSelection().trim() === '') return false;
      if (!checking) askAboutSelection(editor, info);
      return true;
    },
  });

  plugin.registerEvent(
    app.workspace.on('editor-menu', (menu: Menu, editor: Editor, info: MarkdownView | MarkdownFileInfo) => {
      if (editor.getSelection().trim() === '') return;
      menu.addItem((item) =>
        item
          .setTitle(t('command.askAboutSelection'))
          .setIcon('messages-square')
          .onClick(() => askAboutSelection(editor, info)),
      );
    }),
  );
}
