-- docksense: Dockerfile language server client for Neovim 0.7+.
--
--   require('docksense').setup({
--     cmd = { 'docksense', 'serve' },               -- optional
--     settings = { hover = { detail = 'concise' } }, -- the `docksense` section, camelCase
--   })
--
-- Starts the server for every `dockerfile` buffer: vim.lsp.start() on Neovim 0.8+,
-- vim.lsp.start_client() + vim.lsp.buf_attach_client() on 0.7. One server per root
-- (the nearest folder with a `.git`, else the file's folder).
-- The settings are sent as initializationOptions ({ docksense = settings }) and are what
-- Neovim answers to workspace/configuration for the section "docksense".
-- On Neovim 0.11+ you can use lsp/docksense.lua with vim.lsp.enable('docksense') instead.

local M = {}

local uv = vim.uv or vim.loop

M.name = 'docksense'

M.defaults = {
  -- Command that starts the server over stdio. nil: `docksense serve` if `docksense` is on
  -- PATH, else `python3 -m docksense serve`.
  cmd = nil,
  -- Extra environment for the server process.
  cmd_env = nil,
  -- The docksense settings (see editors/server-settings.json), nested or flat-dotted.
  settings = {},
  filetypes = { 'dockerfile' },
  root_markers = { '.git' },
  -- Passed through to the client.
  on_attach = nil,
  capabilities = nil,
  handlers = nil,
}

M.options = vim.deepcopy(M.defaults)

-- Object-valued settings. Lua cannot tell an empty object from an empty list, and Neovim
-- encodes {} as [], so these are made explicit JSON objects.
local OBJECT_PATHS = {
  [''] = true,
  knowledge = true,
  hover = true,
  diagnostics = true,
  rules = true,
  ['rules.severity'] = true,
  ['rules.families'] = true,
}

local is_list = vim.islist or vim.tbl_islist -- vim.tbl_islist is deprecated in 0.10

local function normalize(value, path)
  if type(value) ~= 'table' or getmetatable(value) ~= nil then
    return value
  end
  if OBJECT_PATHS[path] and next(value) == nil then
    return vim.empty_dict()
  end
  if is_list(value) and next(value) ~= nil then
    return value
  end
  local out = {}
  for key, item in pairs(value) do
    local child = path == '' and tostring(key) or (path .. '.' .. tostring(key))
    out[key] = normalize(item, child)
  end
  return out
end

--- The settings table ready to be JSON-encoded (empty objects stay objects).
function M.normalize_settings(settings)
  return normalize(settings or {}, '')
end

local function exists(path)
  return uv.fs_stat(path) ~= nil
end

--- The nearest ancestor of PATH (a file or folder) holding one of MARKERS, else PATH's folder.
function M.find_root(path, markers)
  markers = markers or M.options.root_markers
  local start = vim.fn.fnamemodify(path, ':p')
  if vim.fn.isdirectory(start) == 0 then
    start = vim.fn.fnamemodify(start, ':h')
  end
  start = start:gsub('[/\\]$', '')
  if start == '' then
    start = '/'
  end
  local dir = start
  while true do
    for _, marker in ipairs(markers) do
      if exists(dir .. '/' .. marker) then
        return dir
      end
    end
    local parent = vim.fn.fnamemodify(dir, ':h')
    if parent == dir or parent == '' then
      return start
    end
    dir = parent
  end
end

function M.default_cmd()
  if vim.fn.executable('docksense') == 1 then
    return { 'docksense', 'serve' }
  end
  local python = vim.fn.executable('python3') == 1 and 'python3' or 'python'
  return { python, '-m', 'docksense', 'serve' }
end

--- The client configuration for buffer BUFNR.
function M.client_config(bufnr)
  local opts = M.options
  local fname = vim.api.nvim_buf_get_name(bufnr)
  local root = M.find_root(fname ~= '' and fname or vim.fn.getcwd(), opts.root_markers)
  local settings = M.normalize_settings(opts.settings)
  -- Neovim 0.7 answers workspace/configuration but does not say so; the server only asks
  -- clients that do.
  local capabilities = vim.tbl_deep_extend(
    'force',
    vim.lsp.protocol.make_client_capabilities(),
    { workspace = { configuration = true } },
    opts.capabilities or {}
  )
  return {
    name = M.name,
    cmd = opts.cmd or M.default_cmd(),
    cmd_env = opts.cmd_env,
    root_dir = root,
    workspace_folders = { { uri = vim.uri_from_fname(root), name = root } },
    init_options = { docksense = settings },
    settings = { docksense = settings },
    on_attach = opts.on_attach,
    capabilities = capabilities,
    handlers = opts.handlers,
  }
end

local warned = {}

local function notify_once(message)
  if not warned[message] then
    warned[message] = true
    vim.notify(message, vim.log.levels.ERROR)
  end
end

-- Neovim 0.7: client ids by root folder.
local clients_by_root = {}

local function start_0_7(config, bufnr)
  local id = clients_by_root[config.root_dir]
  local client = id and vim.lsp.get_client_by_id(id)
  if not client or client.is_stopped() then
    id = vim.lsp.start_client(config)
    if not id then
      return nil
    end
    clients_by_root[config.root_dir] = id
  end
  vim.lsp.buf_attach_client(bufnr, id)
  return id
end

--- Starts (or reuses) the server for BUFNR and attaches it. Returns the client id.
function M.start(bufnr)
  bufnr = (bufnr == nil or bufnr == 0) and vim.api.nvim_get_current_buf() or bufnr
  if vim.bo[bufnr].buftype ~= '' then
    return nil
  end
  local config = M.client_config(bufnr)
  if vim.fn.executable(config.cmd[1]) ~= 1 then
    notify_once(
      ('docksense: %q is not executable. Install the server (pipx install docksense) or pass cmd = {...} to require("docksense").setup().'):format(
        config.cmd[1]
      )
    )
    return nil
  end
  if vim.lsp.start then
    return vim.lsp.start(config, { bufnr = bufnr })
  end
  return start_0_7(config, bufnr)
end

local function get_clients()
  if vim.lsp.get_clients then
    return vim.lsp.get_clients({ name = M.name })
  end
  local found = {}
  for _, client in pairs(vim.lsp.get_active_clients()) do
    if client.name == M.name then
      table.insert(found, client)
    end
  end
  return found
end

--- Replaces the settings and tells running servers, which then pull them again.
function M.set_settings(settings)
  M.options.settings = settings or {}
  local normalized = M.normalize_settings(M.options.settings)
  for _, client in ipairs(get_clients()) do
    client.config.settings = { docksense = normalized }
    if client.settings ~= nil then
      client.settings = client.config.settings -- Neovim 0.11 answers from client.settings
    end
    local params = { settings = { docksense = normalized } }
    if vim.fn.has('nvim-0.11') == 1 then
      client:notify('workspace/didChangeConfiguration', params)
    else
      client.notify('workspace/didChangeConfiguration', params)
    end
  end
end

function M.setup(opts)
  M.options = vim.tbl_extend('force', vim.deepcopy(M.defaults), opts or {})
  local group = vim.api.nvim_create_augroup('docksense', { clear = true })
  vim.api.nvim_create_autocmd('FileType', {
    group = group,
    pattern = M.options.filetypes,
    callback = function(args)
      M.start(args.buf)
    end,
    desc = 'Start the docksense language server',
  })
  -- Buffers that already have the filetype.
  for _, bufnr in ipairs(vim.api.nvim_list_bufs()) do
    if vim.api.nvim_buf_is_loaded(bufnr) and vim.tbl_contains(M.options.filetypes, vim.bo[bufnr].filetype) then
      M.start(bufnr)
    end
  end
end

return M
