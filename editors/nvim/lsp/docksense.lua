-- docksense for Neovim 0.11+ (vim.lsp.config / vim.lsp.enable).
--
-- With editors/nvim on 'runtimepath' (or this file copied to ~/.config/nvim/lsp/):
--
--   vim.lsp.config('docksense', {
--     settings = { docksense = { hover = { detail = 'concise' } } },
--   })
--   vim.lsp.enable('docksense')
--
-- settings.docksense is what Neovim answers to workspace/configuration for the section
-- "docksense", and (unless you set init_options yourself) it is also sent as
-- initializationOptions = { docksense = ... }.

-- Neovim encodes an empty Lua table as a JSON list; these settings are objects.
local OBJECT_PATHS = {
  [''] = true,
  knowledge = true,
  hover = true,
  diagnostics = true,
  rules = true,
  ['rules.severity'] = true,
  ['rules.families'] = true,
}

local function normalize(value, path)
  if type(value) ~= 'table' or getmetatable(value) ~= nil then
    return value
  end
  if OBJECT_PATHS[path] and next(value) == nil then
    return vim.empty_dict()
  end
  if vim.islist(value) and next(value) ~= nil then
    return value
  end
  local out = {}
  for key, item in pairs(value) do
    out[key] = normalize(item, path == '' and tostring(key) or (path .. '.' .. tostring(key)))
  end
  return out
end

local function default_cmd()
  if vim.fn.executable('docksense') == 1 then
    return { 'docksense', 'serve' }
  end
  return { vim.fn.executable('python3') == 1 and 'python3' or 'python', '-m', 'docksense', 'serve' }
end

---@type vim.lsp.Config
return {
  cmd = default_cmd(),
  filetypes = { 'dockerfile' },
  -- The nearest folder with a .git, else the file's own folder (never "no root").
  root_dir = function(bufnr, on_dir)
    local name = vim.api.nvim_buf_get_name(bufnr)
    local root = vim.fs.root(bufnr, { '.git' })
    if not root then
      root = name ~= '' and vim.fs.dirname(name) or vim.fn.getcwd()
    end
    on_dir(root)
  end,
  settings = { docksense = vim.empty_dict() },
  before_init = function(params, config)
    config.settings = config.settings or {}
    local docksense = normalize(config.settings.docksense or {}, '')
    config.settings.docksense = docksense
    if params.initializationOptions == nil then
      params.initializationOptions = { docksense = docksense }
    end
  end,
}
