// The lab's own framing of load problems in the reader's language (as src/sim/notes.ts does for
// hops). A problem keeps `message`, the English text the CLI prints and its JSON carries, and may
// carry a `note` ({ key, params }) the page renders in English or Simplified Chinese from this one
// table. What Kubernetes or a tool says (an apiserver field error, kubectl's text, the YAML or JSON
// parser's message) is a parameter, shown verbatim in both languages; only the framing is ours.

export type ProblemLang = 'en' | 'zh';

export const problemTextsEn = {
  'problem.tooLargeFile': 'file is {size}; the lab reads scenario files up to {max}',
  'problem.tooManyObjects': 'file has {count} objects; the lab reads up to {max} (file not loaded)',
  'problem.invalidJson': 'invalid JSON: {detail}',
  'problem.invalidYaml': 'invalid YAML: {detail}',
  'problem.unclosed.flowSeq': 'invalid YAML: the flow sequence "[" opened here is never closed ({detail})',
  'problem.unclosed.flowMap': 'invalid YAML: the flow mapping "{" opened here is never closed ({detail})',
  'problem.unclosed.double': 'invalid YAML: the double-quoted string opened here is never closed ({detail})',
  'problem.unclosed.single': 'invalid YAML: the single-quoted string opened here is never closed ({detail})',
  'problem.noObjectsInFile': 'no objects in this file',
  'problem.depth': 'nesting too deep: the lab reads maps and lists nested up to {max} levels',
  'problem.indent': 'nesting too deep: line {line} is indented more than {max} columns',
  'problem.compactNesting': 'nesting too deep: line {line} opens more than {max} mappings',
  'problem.flowNesting': 'nesting too deep: more than {max} levels of [ and { by line {line}',
  'problem.tooManyValues': 'too many values: the lab reads up to {max} in one document',
  'problem.aliasBomb': 'aliases expand to more than {max} values: the lab refuses this document',
  'problem.forbiddenKey': 'key "{key}" ignored: it is not a Kubernetes field and could change how the object behaves',
  'problem.objectInvalid': '{who} is invalid, not loaded: {detail}',
  'problem.newerScenario':
    'this scenario was written by a newer netlab (format version {version}); this lab reads up to version {max}',
  'problem.duplicateObject':
    '{label} is defined twice: here and at {where}; this later definition is used, as a second kubectl apply would',
  'problem.settingsIgnored': 'settings ignored: lab settings come from the first scenario file ({file})',
  'problem.duplicateClient': 'client {client} is defined twice (first at {where}); this one is ignored',
  'problem.duplicateRequest': 'request {request} is defined twice (first at {where}); this one is ignored',
  'problem.unknownClient': 'request {request}: from: no client named {client}',
  'problem.lessonIgnored': 'lesson ignored: the lesson comes from {file}',
  'problem.lessonRequest': 'lesson[{index}].request: no saved request with id {id}',
  'problem.editsIgnored': "edits ignored: the lab's edits come from {file}",
  'problem.viewRequest': 'view.selectedRequest: no saved request with id {id}',
  'problem.unknownField': '{field}: unknown field, ignored',
  // A document that is no object, and what it holds instead.
  'problem.notAnObject.empty':
    'expected a Kubernetes object (apiVersion, kind, metadata)' +
    ' or a netlab scenario (format: "{format}"), found an empty document',
  'problem.notAnObject.list':
    'expected a Kubernetes object (apiVersion, kind, metadata) or a netlab scenario (format: "{format}"), found a list',
  'problem.notAnObject.text':
    'expected a Kubernetes object (apiVersion, kind, metadata)' +
    ' or a netlab scenario (format: "{format}"), found text {value}',
  'problem.notAnObject.number':
    'expected a Kubernetes object (apiVersion, kind, metadata)' +
    ' or a netlab scenario (format: "{format}"), found number {value}',
  'problem.notAnObject.boolean':
    'expected a Kubernetes object (apiVersion, kind, metadata)' +
    ' or a netlab scenario (format: "{format}"), found boolean {value}',
  'problem.notAnObject.value':
    'expected a Kubernetes object (apiVersion, kind, metadata)' +
    ' or a netlab scenario (format: "{format}"), found {type} {value}',
  'problem.notAnObjectSkipped.empty':
    'expected a Kubernetes object (a map with apiVersion, kind and metadata), found an empty document; skipped',
  'problem.notAnObjectSkipped.list':
    'expected a Kubernetes object (a map with apiVersion, kind and metadata), found a list; skipped',
  'problem.notAnObjectSkipped.text':
    'expected a Kubernetes object (a map with apiVersion, kind and metadata), found text {value}; skipped',
  'problem.notAnObjectSkipped.number':
    'expected a Kubernetes object (a map with apiVersion, kind and metadata), found number {value}; skipped',
  'problem.notAnObjectSkipped.boolean':
    'expected a Kubernetes object (a map with apiVersion, kind and metadata), found boolean {value}; skipped',
  'problem.notAnObjectSkipped.value':
    'expected a Kubernetes object (a map with apiVersion, kind and metadata), found {type} {value}; skipped',
  // What the loader does with a field that failed its check ({issue}, a `field.*` note below).
  'problem.settingDefault': '{issue}; the default is used',
  'problem.settingEntryIgnored': '{issue}; the entry is ignored',
  'problem.settingsDefaults': '{issue}; the defaults are used',
  'problem.settingsUnreadable': '{field}: could not be read; the defaults are used',
  'problem.metaIgnored': '{issue}; meta ignored',
  'problem.viewIgnored': '{issue}; view hints ignored',
  'problem.clientSkipped': '{issue}; the client is skipped',
  'problem.requestSkipped': '{issue}; the request is skipped',
  'problem.stepSkipped': '{issue}; the step is skipped',
  'problem.migrationFailed': 'could not upgrade this scenario from format version {version} ({id}): {detail}',
  'problem.editObjectInvalid': '{who} is invalid: {detail}',
  'problem.crdInvalid': '{who} is invalid: {detail}; not loaded',
  'problem.internal': 'netlab could not read this (a bug in netlab, not in the file): {detail}',
  'problem.loaderFailed': '{detail}',
  // kubectl's and the apiserver's own lines, verbatim as {detail}; the Chinese says what they mean.
  'problem.noObjectsPassed': '{detail}',
  'problem.validatingData': '{detail}; skipped',
  'problem.unknownKind': '{detail}',
  'problem.refused': '{detail}',
  'problem.yamlWarning': '{detail}',
  'problem.servedAs': '{object}: served as {apiVersion} by the cluster it was taken from; read as {to}',
  'problem.tooManyMerged': 'the lab holds up to {max} objects; {label} and the rest were not loaded',
  'problem.aliasUndefined': 'alias *{alias} does not refer to an anchor defined before it; null used instead',
  'problem.complexKey': 'a map or list used as a key: keys must be plain text; this entry is ignored',
  'problem.snapshotNamespace':
    'namespace {namespace} is not in the snapshot; objects name it, so the lab creates it as the cluster had it',
  'problem.ingressNoClass':
    '{object} names no IngressClass and none is the default, so no controller in the lab serves it ' +
    '({controller} watches its own class only unless started with {flag}): set {field}, or mark a class ' +
    '{annotation}: "true"',
  'problem.notRun':
    '{object}: kept but not run: the lab has no {kind} controller, so it makes no pods ({tool} show the ' +
    'object; the lab runs {runs})',
  'problem.proxyConfigNotYaml': "{object}: {file} is not YAML ({detail}); kube-proxy's defaults are used",
  'problem.proxyModeUnknown': '{object}: mode {mode} is not one the lab models; {setting} stays {current}',
  // A field's check, in the apiserver's style (k8s.io/apimachinery field/errors.go), for the lab's own
  // fields (settings, clients, requests, lesson, edits) and a Kubernetes object's (the lab's schema
  // check, not an apiserver's text: the field, value and supported values are the verbatim parts).
  'field.required': '{field}: Required value',
  'field.requiredFormat': '{field}: Required value: a netlab scenario starts with {field}: "{format}"',
  'field.invalid': '{field}: Invalid value',
  'field.invalidDetail': '{field}: Invalid value: {detail}',
  'field.unsupported': '{field}: Unsupported value: {value}: supported values: {supported}',
  'field.int53': '{field}: Invalid value: {value}: must be an integer no larger than 2^53',
  'field.type.string': '{field}: Invalid value: {value}: must be a string',
  'field.type.number': '{field}: Invalid value: {value}: must be a number',
  'field.type.int': '{field}: Invalid value: {value}: must be an integer',
  'field.type.boolean': '{field}: Invalid value: {value}: must be true or false',
  'field.type.map': '{field}: Invalid value: {value}: must be a map',
  'field.type.list': '{field}: Invalid value: {value}: must be a list',
  'field.type.objects': '{field}: Invalid value: {value}: must be a list of Kubernetes objects',
  'field.type.other': '{field}: Invalid value: {value}: must be {expected}',
  'field.wholeNumber': '{field}: Invalid value: {value}: must be a whole number such as {example}',
  'field.minItems': '{field}: Invalid value: must have at least {min} items',
  'field.min': '{field}: Invalid value: {value}: must be greater than or equal to {min}',
  'field.maxItems': '{field}: Too many: must have at most {max} items',
  'field.max': '{field}: Invalid value: {value}: must be less than or equal to {max}',
  'field.maxReplicas': '{field}: Invalid value: {value}: the lab runs at most {max} replicas per workload',
  'field.ipv4': '{field}: Invalid value: {value}: must be a valid IPv4 address',
  'field.cidrv4': '{field}: Invalid value: {value}: must be a valid IPv4 CIDR such as {example}',
  'field.wrongForm': '{field}: Invalid value: {value}: has the wrong form',
  'field.format': '{field}: Invalid value: {value}: must be a valid {format}',
  'field.intOrString': '{field}: Invalid value: {value}: must be an integer or a string',
  'field.keysStrings': '{field}: Invalid value: keys must be strings',
  'field.tooManyRead': '{field}: Too many: {count}: the lab reads up to {max} (none loaded)',
  'field.tooManyReplayed': '{field}: Too many: {count}: the lab replays up to {max} (none loaded)',
  'field.choiceIndex': '{field}: Invalid value: {value}: must be the index of one of the {count} choices',
  // One setting set by its dotted name (`--set` on the command line, kube-proxy's ConfigMap in the console).
  'setting.unknown': 'unknown setting "{key}"; settings are: {keys}',
  'setting.group': '"{key}" is a group of settings; set one of: {keys}',
  'setting.invalid': '{flag} {issue}',
} as const;

export type ProblemNoteKey = keyof typeof problemTextsEn;
/** A parameter: a value shown as it is, or a note of its own (a field's check inside the loader's framing). */
export type ProblemParam = string | number | ProblemNote;
export type ProblemParams = Readonly<Record<string, ProblemParam>>;

/** The lab's framing of a problem, to be rendered in the reader's language. */
export interface ProblemNote {
  key: ProblemNoteKey;
  params: ProblemParams;
}

export const problemTextsZh: Record<ProblemNoteKey, string> = {
  'problem.tooLargeFile': '文件大小为 {size}；实验室读取的场景文件最大为 {max}',
  'problem.tooManyObjects': '文件含 {count} 个对象；实验室最多读取 {max} 个（文件未载入）',
  'problem.invalidJson': 'JSON 无效：{detail}',
  'problem.invalidYaml': 'YAML 无效：{detail}',
  'problem.unclosed.flowSeq': 'YAML 无效：此处开始的流式序列 "[" 没有闭合（{detail}）',
  'problem.unclosed.flowMap': 'YAML 无效：此处开始的流式映射 "{" 没有闭合（{detail}）',
  'problem.unclosed.double': 'YAML 无效：此处开始的双引号字符串没有闭合（{detail}）',
  'problem.unclosed.single': 'YAML 无效：此处开始的单引号字符串没有闭合（{detail}）',
  'problem.noObjectsInFile': '此文件中没有对象',
  'problem.depth': '嵌套过深：实验室读取的映射和列表最多嵌套 {max} 层',
  'problem.indent': '嵌套过深：第 {line} 行缩进超过 {max} 列',
  'problem.compactNesting': '嵌套过深：第 {line} 行开启了超过 {max} 个映射',
  'problem.flowNesting': '嵌套过深：到第 {line} 行为止，[ 和 { 嵌套超过 {max} 层',
  'problem.tooManyValues': '值过多：实验室在一个文档中最多读取 {max} 个值',
  'problem.aliasBomb': '别名展开后超过 {max} 个值：实验室拒绝读取此文档',
  'problem.forbiddenKey': '已忽略键 "{key}"：它不是 Kubernetes 字段，且可能改变对象的行为',
  'problem.objectInvalid': '{who} 无效，未载入：{detail}',
  'problem.newerScenario': '此场景由更新版本的 netlab 编写（格式版本 {version}）；本实验室最多读取到版本 {max}',
  'problem.duplicateObject': '{label} 定义了两次：此处和 {where}；采用后一个定义，与再次执行 kubectl apply 的结果相同',
  'problem.settingsIgnored': '已忽略 settings：实验室设置取自第一个场景文件（{file}）',
  'problem.duplicateClient': '客户端 {client} 定义了两次（第一次在 {where}）；忽略此处的定义',
  'problem.duplicateRequest': '请求 {request} 定义了两次（第一次在 {where}）；忽略此处的定义',
  'problem.unknownClient': '请求 {request}：from：没有名为 {client} 的客户端',
  'problem.lessonIgnored': '已忽略 lesson：课程取自 {file}',
  'problem.lessonRequest': 'lesson[{index}].request：没有 id 为 {id} 的已保存请求',
  'problem.editsIgnored': '已忽略 edits：实验室的编辑记录取自 {file}',
  'problem.viewRequest': 'view.selectedRequest：没有 id 为 {id} 的已保存请求',
  'problem.unknownField': '{field}：未知字段，已忽略',
  'problem.notAnObject.empty':
    '应为 Kubernetes 对象（apiVersion、kind、metadata）或 netlab 场景（format: "{format}"），实际是空文档',
  'problem.notAnObject.list':
    '应为 Kubernetes 对象（apiVersion、kind、metadata）或 netlab 场景（format: "{format}"），实际是一个列表',
  'problem.notAnObject.text':
    '应为 Kubernetes 对象（apiVersion、kind、metadata）或 netlab 场景（format: "{format}"），实际是文本 {value}',
  'problem.notAnObject.number':
    '应为 Kubernetes 对象（apiVersion、kind、metadata）或 netlab 场景（format: "{format}"），实际是数字 {value}',
  'problem.notAnObject.boolean':
    '应为 Kubernetes 对象（apiVersion、kind、metadata）或 netlab 场景（format: "{format}"），实际是布尔值 {value}',
  'problem.notAnObject.value':
    '应为 Kubernetes 对象（apiVersion、kind、metadata）或 netlab 场景（format: "{format}"），实际是{type} 类型的值 {value}',
  'problem.notAnObjectSkipped.empty':
    '应为 Kubernetes 对象（含 apiVersion、kind 和 metadata 的映射），实际是空文档；已跳过',
  'problem.notAnObjectSkipped.list':
    '应为 Kubernetes 对象（含 apiVersion、kind 和 metadata 的映射），实际是一个列表；已跳过',
  'problem.notAnObjectSkipped.text':
    '应为 Kubernetes 对象（含 apiVersion、kind 和 metadata 的映射），实际是文本 {value}；已跳过',
  'problem.notAnObjectSkipped.number':
    '应为 Kubernetes 对象（含 apiVersion、kind 和 metadata 的映射），实际是数字 {value}；已跳过',
  'problem.notAnObjectSkipped.boolean':
    '应为 Kubernetes 对象（含 apiVersion、kind 和 metadata 的映射），实际是布尔值 {value}；已跳过',
  'problem.notAnObjectSkipped.value':
    '应为 Kubernetes 对象（含 apiVersion、kind 和 metadata 的映射），实际是{type} 类型的值 {value}；已跳过',
  'problem.settingDefault': '{issue}；改用默认值',
  'problem.settingEntryIgnored': '{issue}；忽略此条目',
  'problem.settingsDefaults': '{issue}；全部改用默认值',
  'problem.settingsUnreadable': '{field}：无法读取；全部改用默认值',
  'problem.metaIgnored': '{issue}；已忽略 meta',
  'problem.viewIgnored': '{issue}；已忽略 view 中的显示提示',
  'problem.clientSkipped': '{issue}；跳过此客户端',
  'problem.requestSkipped': '{issue}；跳过此请求',
  'problem.stepSkipped': '{issue}；跳过此课程步骤',
  'problem.migrationFailed': '无法将此场景从格式版本 {version} 升级（{id}）：{detail}',
  'problem.editObjectInvalid': '{who} 无效：{detail}',
  'problem.crdInvalid': '{who} 无效，未载入：{detail}',
  'problem.internal': 'netlab 无法读取此内容（这是 netlab 的缺陷，不是文件的问题）：{detail}',
  'problem.loaderFailed': '载入器出错：{detail}',
  'problem.noObjectsPassed': '没有可载入的对象（kubectl 的提示：{detail}）',
  'problem.validatingData': '对象缺少必需的字段（kubectl 的客户端校验：{detail}）；已跳过',
  'problem.unknownKind': '实验室的集群不提供这种对象类型（kubectl 的提示：{detail}）',
  'problem.refused': 'apiserver 拒绝了此对象：{detail}',
  'problem.yamlWarning': 'YAML 警告：{detail}',
  'problem.servedAs': '{object}：快照来源的集群以 {apiVersion} 提供此对象；按 {to} 读取',
  'problem.tooManyMerged': '实验室最多容纳 {max} 个对象；{label} 及其后的对象未载入',
  'problem.aliasUndefined': '别名 *{alias} 没有指向在它之前定义的锚点；改用 null',
  'problem.complexKey': '映射或列表被用作键：键必须是纯文本；已忽略此条目',
  'problem.snapshotNamespace': '快照中没有命名空间 {namespace}；有对象引用它，因此实验室按集群原有的样子创建它',
  'problem.ingressNoClass':
    '{object} 没有指定类，也没有默认的类，因此实验中没有控制器处理它（除非以 {flag} 启动，' +
    '{controller} 只处理自己的类）：请设置 {field}，或把某个类标记为 {annotation}: "true"',
  'problem.notRun':
    '{object}：已保留但不会运行：实验室没有 {kind} 控制器，因此它不会产生任何容器组（{tool} 仍能显示这个对象；' +
    '实验室运行的是 {runs}）',
  'problem.proxyConfigNotYaml': '{object}：{file} 不是 YAML（{detail}）；采用 kube-proxy 的默认值',
  'problem.proxyModeUnknown': '{object}：实验室不模拟 {mode} 模式；{setting} 保持为 {current}',
  'field.required': '{field}：缺少必填值',
  'field.requiredFormat': '{field}：缺少必填值：netlab 场景以 {field}: "{format}" 开头',
  'field.invalid': '{field}：无效值',
  'field.invalidDetail': '{field}：无效值：{detail}',
  'field.unsupported': '{field}：不支持的值 {value}：支持的值为 {supported}',
  'field.int53': '{field}：无效值 {value}：必须是不大于 2^53 的整数',
  'field.type.string': '{field}：无效值 {value}：必须是字符串',
  'field.type.number': '{field}：无效值 {value}：必须是数字',
  'field.type.int': '{field}：无效值 {value}：必须是整数',
  'field.type.boolean': '{field}：无效值 {value}：必须是 true 或 false',
  'field.type.map': '{field}：无效值 {value}：必须是映射',
  'field.type.list': '{field}：无效值 {value}：必须是列表',
  'field.type.objects': '{field}：无效值 {value}：必须是 Kubernetes 对象的列表',
  'field.type.other': '{field}：无效值 {value}：必须是 {expected} 类型',
  'field.wholeNumber': '{field}：无效值 {value}：必须是整数，例如 {example}',
  'field.minItems': '{field}：无效值：至少需要 {min} 项',
  'field.min': '{field}：无效值 {value}：必须大于或等于 {min}',
  'field.maxItems': '{field}：过多：最多 {max} 项',
  'field.max': '{field}：无效值 {value}：必须小于或等于 {max}',
  'field.maxReplicas': '{field}：无效值 {value}：实验室每个工作负载最多运行 {max} 个副本',
  'field.ipv4': '{field}：无效值 {value}：必须是有效的 IPv4 地址',
  'field.cidrv4': '{field}：无效值 {value}：必须是有效的 IPv4 CIDR，例如 {example}',
  'field.wrongForm': '{field}：无效值 {value}：格式不正确',
  'field.format': '{field}：无效值 {value}：必须是有效的 {format}',
  'field.intOrString': '{field}：无效值 {value}：必须是整数或字符串',
  'field.keysStrings': '{field}：无效值：键必须是字符串',
  'field.tooManyRead': '{field}：过多：{count} 项；实验室最多读取 {max} 项（均未载入）',
  'field.tooManyReplayed': '{field}：过多：{count} 项；实验室最多重放 {max} 项（均未载入）',
  'field.choiceIndex': '{field}：无效值 {value}：必须是 {count} 个选项之一的序号',
  'setting.unknown': '没有名为 "{key}" 的设置；可设置的有：{keys}',
  'setting.group': '"{key}" 是一组设置；请设置其中一项：{keys}',
  'setting.invalid': '{flag} {issue}',
};

const TEXTS: Record<ProblemLang, Record<ProblemNoteKey, string>> = { en: problemTextsEn, zh: problemTextsZh };

/** One entry of the table in `lang`, its `{name}` placeholders filled from `params` (a note rendered in `lang`). */
export function renderProblemNote(lang: ProblemLang, note: ProblemNote): string {
  return TEXTS[lang][note.key].replace(/\{(\w+)\}/g, (whole, name: string) => {
    if (!Object.hasOwn(note.params, name)) return whole;
    const param = note.params[name]!;
    return typeof param === 'object' ? renderProblemNote(lang, param) : String(param);
  });
}

/** A problem's framing: the English message (rendered from the table) and the note it came from. */
export function noted(key: ProblemNoteKey, params: ProblemParams = {}): { message: string; note: ProblemNote } {
  const note = { key, params };
  return { message: renderProblemNote('en', note), note };
}

/** A problem's text in the reader's language: its note when it has one, else its message as written. */
export function problemText(lang: ProblemLang, p: { message: string; note?: ProblemNote }): string {
  return p.note ? renderProblemNote(lang, p.note) : p.message;
}
