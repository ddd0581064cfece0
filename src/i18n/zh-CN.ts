import type { Catalogue, MustBeNever, ParamMismatches } from './types';

/**
 * 简体中文. Typed as complete against en.ts: a missing or extra key fails the type check, and
 * `ZhCnParamsAgree` below fails it when a text's `{placeholders}` differ from the English ones.
 * Terms used throughout: wiki 知识库, raw folder 原始资料文件夹, change plan 变更计划,
 * health check 健康检查, note 笔记, source 来源, model endpoint 模型端点.
 */
export const zhCN = {
  // ── 命令面板 ──────────────────────────────────────────────────────────────────────────────
  'command.openChat': '打开对话',
  'command.askAboutCurrentNote': '就当前笔记提问',
  'command.askAboutSelection': '就选中内容提问',
  'command.compileCurrentNote': '编译当前笔记或文件',
  'command.compileChangedNotes': '编译有改动的笔记',
  'command.compileRawFolder': '编译原始资料文件夹',
  'command.undoLastChangePlan': '撤销上一次变更计划',
  'command.tidyArticle': '整理这篇文章',
  'command.downloadImagesCurrentNote': '下载当前笔记中的图片',
  'command.downloadImagesRawFolder': '下载原始资料文件夹中的图片',
  'command.runHealthChecks': '运行健康检查',
  'command.runDeepHealthChecks': '运行深度健康检查',
  'command.applyHealthCheckFix': '应用健康检查的修复',
  'command.openRelatedNotes': '打开相关笔记',
  'command.buildVectors': '为语义搜索生成向量',
  'command.makeSlidesFromCurrentNote': '用当前笔记制作幻灯片',
  'command.makeChartFromCurrentNote': '用当前笔记制作图表',
  'command.makeDiagramFromCurrentNote': '用当前笔记制作示意图',
  'command.makeSlidesFromSelection': '用选中内容制作幻灯片',
  'command.makeChartFromSelection': '用选中内容制作图表',
  'command.makeDiagramFromSelection': '用选中内容制作示意图',
  'command.makeCanvasOfCurrentNoteLinks': '为当前笔记的链接制作白板',
  'command.openSearch': '打开搜索',
  'command.openSearchView': '打开搜索视图',
  'command.rebuildSearchIndex': '重建搜索索引',
  'command.stopIndexing': '停止建立索引',
  'command.generateTrainingData': '生成训练数据',
  'command.evaluateModelOnWiki': '用知识库评估我的模型',
  'command.findWebSources': '在网上为知识库的空白查找来源',
  'command.clipWebPage': '剪藏网页',
  'command.stopRunningTask': '停止正在运行的任务',

  // ── 命令行：scriptorium --help ───────────────────────────────────────────────────────────
  'cli.help.title': 'scriptorium — 把原始笔记编译成知识库，并可搜索、提问、检查',
  'cli.help.usage': '用法：scriptorium <命令> --vault 目录 [选项]',
  'cli.help.commands': '命令：',
  'cli.help.footer':
    '模型端点：--base-url 和 --model，或 SCRIPTORIUM_BASE_URL / SCRIPTORIUM_MODEL /\n' +
    'SCRIPTORIUM_API_KEY（未设置时使用 OPENAI_*），或仓库中插件的设置。\n' +
    '加 --json 输出机器可读的结果。`scriptorium <命令> --help` 列出该命令的选项；\n' +
    '命令不接受的选项会在执行任何操作之前被拒绝（退出码 2）。\n' +
    'Ctrl-C 停止命令（退出码 130）。SCRIPTORIUM_MAX_RETRY_WAIT（秒，默认 60 或仓库的设置）\n' +
    '限制繁忙的端点在重试前最多能让命令等待多久。\n' +
    '界面语言：--lang en|zh-CN，或 LC_ALL / LC_MESSAGES / LANG。',
  'cli.help.commandUsage': '用法：{synopsis}',
  'cli.help.options': '选项：',

  // ── 命令行：--help 中每个命令的简介 ──────────────────────────────────────────────────────
  'cli.summary.compile': '把原始笔记编译成知识库文章（应用变更计划；--dry-run 仅预览）',
  'cli.summary.undo': '撤销上一次应用的变更计划（编译、保存的回答、渲染、检查修复）',
  'cli.summary.tidy': '用清晰的标题重新组织一篇变长的概念文章；模型若丢失任何文字则拒绝',
  'cli.summary.images': '把原始笔记中的远程图片下载到附件文件夹，并让笔记链接到本地副本（--dry-run 仅预览）',
  'cli.summary.clip': '把网页读成网页文件夹（raw/web/）下的新原始笔记，每个地址一篇（--dry-run 仅预览）',
  'cli.summary.ask': '提出问题；模型查阅仓库，并以经过核对的引用作答',
  'cli.summary.search': '搜索仓库（全文、章节、摘录）；可批量运行用于评测',
  'cli.summary.related': '根据已存储的段落向量，列出与一篇笔记含义最接近的笔记',
  'cli.summary.get': '带行号打印一篇笔记（或其中几行，或一个标题下的内容）',
  'cli.summary.index': '建立或更新仓库的搜索索引（与插件共用）',
  'cli.summary.lint': '对知识库运行健康检查（失效链接、孤立笔记、过时文章……；--deep 加上模型检查）',
  'cli.summary.mcp': '通过模型上下文协议（MCP）向 AI 智能体（Claude Code、Codex、Cursor……）提供仓库',
  'cli.summary.slides': '用一篇笔记或一个对话回答制作 Marp 幻灯片，存入 wiki/outputs/',
  'cli.summary.chart': '把一篇笔记中的数字或一个数据集（CSV、TSV、JSON、JSON Lines）画成 SVG 图表，并附一篇说明数据的笔记，存入 wiki/outputs/',
  'cli.summary.diagram': '把一篇笔记画成 Mermaid 概念图或时间线，存入 wiki/outputs/',
  'cli.summary.canvas': '把一篇笔记的出链和反向链接画成 JSON Canvas 白板，存入 wiki/outputs/（不用模型）',
  'cli.summary.synth': '从知识库写出有依据的问答对，作为微调数据集',
  'cli.summary.eval': '用 synth 数据集的验证问答对，为模型基于知识库的回答打分',
  'cli.summary.doctor': '检查配置、模型端点和模型',

  // ── 命令行：自身的提示语 ─────────────────────────────────────────────────────────────────
  'cli.error.unknownCommand': '未知命令 "{name}"（scriptorium --help 列出所有命令）',
  'cli.error.unknownCommandGuess': '未知命令 "{name}"（是不是想用 {guess}？scriptorium --help 列出所有命令）',
  'cli.error.unknownLanguage': '--lang 的语言 "{lang}" 未知；Scriptorium 支持 {languages}',
  'cli.stop.stopping': '正在停止……（再按一次 Ctrl-C 立即退出）',
  'cli.stop.quit': '已退出；写了一半的内容会由下一个 scriptorium 命令回滚。',
  'cli.stop.tooLate': '已停止，但命令在此之前已经完成；它所做的见上方输出。',
  'cli.stop.nothingWritten': '已停止；没有写入任何内容。',
} as const satisfies Catalogue;

export type ZhCnParamsAgree = MustBeNever<ParamMismatches<typeof zhCN>>;
