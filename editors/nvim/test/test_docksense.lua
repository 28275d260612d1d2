-- Headless end-to-end test of editors/nvim against the real docksense server.
-- Run with test/run.sh (Neovim 0.7+):
--   nvim --headless -u NONE -i NONE -n -c 'luafile test/test_docksense.lua'
-- Environment: DOCKSENSE_NVIM_ROOT (editors/nvim), optional DOCKSENSE_CMD (the server
-- command, split on spaces), DOCKSENSE_TEST_TIMEOUT_MS (per wait, default 20000).

local TIMEOUT = tonumber(os.getenv('DOCKSENSE_TEST_TIMEOUT_MS') or '') or 20000
local failures = {}

local function say(message)
  io.stdout:write(message .. '\n')
  io.stdout:flush()
end

local function check(ok, name, detail)
  if ok then
    say('ok     ' .. name)
  else
    say('FAIL   ' .. name .. (detail and (': ' .. detail) or ''))
    table.insert(failures, name)
  end
  return ok
end

local function is_stopped(client)
  if vim.fn.has('nvim-0.11') == 1 then
    return client:is_stopped()
  end
  return client.is_stopped()
end

local function finish()
  local clients = vim.lsp.get_clients and vim.lsp.get_clients() or vim.lsp.get_active_clients()
  if #clients > 0 then
    vim.lsp.stop_client(clients)
    vim.wait(3000, function()
      for _, client in ipairs(clients) do
        if not is_stopped(client) then
          return false
        end
      end
      return true
    end, 50)
  end
  if #failures > 0 then
    local log = vim.lsp.get_log_path and vim.lsp.get_log_path()
    if log and vim.fn.filereadable(log) == 1 then
      say('--- tail of ' .. log)
      local lines = vim.fn.readfile(log)
      for i = math.max(1, #lines - 30), #lines do
        say(lines[i])
      end
    end
    io.stderr:write(('docksense nvim test: %d check(s) failed: %s\n'):format(#failures, table.concat(failures, ', ')))
    vim.cmd('cquit! 1')
  else
    say('docksense nvim test: all checks passed')
    vim.cmd('qall!')
  end
end

local function clients_for(bufnr)
  if vim.lsp.get_clients then
    return vim.lsp.get_clients({ bufnr = bufnr })
  end
  local list = {}
  for _, client in pairs(vim.lsp.buf_get_clients(bufnr)) do
    table.insert(list, client)
  end
  return list
end

local function hover_text(contents)
  if type(contents) == 'string' then
    return contents
  elseif type(contents) == 'table' then
    if contents.value ~= nil then
      return tostring(contents.value)
    end
    local parts = {}
    for _, item in ipairs(contents) do
      table.insert(parts, hover_text(item))
    end
    return table.concat(parts, '\n')
  end
  return ''
end

local function run()
  local root = os.getenv('DOCKSENSE_NVIM_ROOT')
  assert(root and root ~= '', 'DOCKSENSE_NVIM_ROOT must be set (run test/run.sh)')
  vim.opt.runtimepath:prepend(root)
  vim.cmd('filetype on')

  say('neovim ' .. tostring(vim.version().major) .. '.' .. tostring(vim.version().minor) .. '.' .. tostring(vim.version().patch))

  local cmd = nil
  if os.getenv('DOCKSENSE_CMD') and os.getenv('DOCKSENSE_CMD') ~= '' then
    cmd = {}
    for word in os.getenv('DOCKSENSE_CMD'):gmatch('%S+') do
      table.insert(cmd, word)
    end
  end
  local docksense = require('docksense')
  -- Empty objects on purpose: they must reach the server as {} (not []).
  docksense.setup({
    cmd = cmd,
    settings = { hover = { detail = 'full' }, rules = { severity = {}, experimental = {} } },
  })
  say('server command: ' .. table.concat(cmd or docksense.default_cmd(), ' '))

  -- A Dockerfile in a fresh folder (no .git: the folder itself is the root).
  local dir = vim.fn.tempname()
  vim.fn.mkdir(dir, 'p')
  dir = vim.fn.resolve(dir)
  local file = dir .. '/Dockerfile'
  vim.fn.writefile({ 'FROM alpine:3.19', 'FOO bar', 'RUN echo hi' }, file)
  vim.cmd('edit ' .. vim.fn.fnameescape(file))
  local bufnr = vim.api.nvim_get_current_buf()
  check(vim.bo[bufnr].filetype == 'dockerfile', 'filetype is dockerfile', vim.bo[bufnr].filetype)

  -- The client attaches by itself (FileType autocmd) and initializes.
  local client
  local attached = vim.wait(TIMEOUT, function()
    client = clients_for(bufnr)[1]
    return client ~= nil and client.server_capabilities ~= nil and client.initialized ~= false
  end, 50)
  if not check(attached, 'client attached and initialized', client and 'not initialized' or 'no client') then
    return
  end
  check(client.name == 'docksense', 'client name', client.name)
  check(client.config.root_dir == dir, 'root dir is the file folder', tostring(client.config.root_dir))

  -- Settings: initializationOptions and the answer to workspace/configuration.
  local init = vim.json.encode(client.config.init_options)
  check(init:find('"docksense":{', 1, true) ~= nil, 'initializationOptions has a docksense object', init)
  check(init:find('"severity":{}', 1, true) ~= nil, 'empty object setting sent as {}', init)
  check(init:find('"experimental":[]', 1, true) ~= nil, 'empty list setting sent as []', init)
  local handler = vim.lsp.handlers['workspace/configuration']
  local answer = handler(nil, { items = { { section = 'docksense' } } }, { client_id = client.id, method = 'workspace/configuration' })
  local encoded = answer and vim.json.encode(answer) or 'nil'
  check(encoded:find('"detail":"full"', 1, true) ~= nil, 'workspace/configuration answers the docksense section', encoded)

  -- Hover on FROM.
  local params = { textDocument = { uri = vim.uri_from_bufnr(bufnr) }, position = { line = 0, character = 1 } }
  local responses, err = vim.lsp.buf_request_sync(bufnr, 'textDocument/hover', params, TIMEOUT)
  local text, problem = '', err
  for _, response in pairs(responses or {}) do
    if response.error then
      problem = vim.inspect(response.error)
    elseif response.result and response.result.contents then
      text = text .. hover_text(response.result.contents)
    end
  end
  check(vim.trim(text) ~= '', 'hover on FROM answers an explanation', problem or 'empty or null hover')
  if vim.trim(text) ~= '' then
    say('       hover: ' .. vim.trim(text):gsub('\n.*', '') .. ' ...')
  end

  -- Diagnostics: line 2 (`FOO bar`) is not an instruction.
  local found = vim.wait(TIMEOUT, function()
    for _, diagnostic in ipairs(vim.diagnostic.get(bufnr)) do
      if diagnostic.lnum == 1 then
        return true
      end
    end
    return false
  end, 50)
  local got = {}
  for _, diagnostic in ipairs(vim.diagnostic.get(bufnr)) do
    table.insert(got, ('line %d: %s'):format(diagnostic.lnum + 1, diagnostic.message))
  end
  check(found, 'diagnostic published for FOO bar on line 2', #got > 0 and table.concat(got, '; ') or 'no diagnostics')

  -- The editing features on a second buffer: completion, outline, definition, rename, formatting.
  local features_file = dir .. '/features.Dockerfile'
  vim.fn.writefile({
    'ARG BASE=alpine:3.19',
    'FROM ${BASE} AS build',
    'ENV APP_HOME=/app',
    'RUN   echo "$APP_HOME" \\',
    'echo done',
    'FROM build AS final',
    'COPY --from=build /app /app',
    'RUN --mount=type=cache,',
  }, features_file)
  vim.cmd('edit ' .. vim.fn.fnameescape(features_file))
  local fbuf = vim.api.nvim_get_current_buf()
  vim.wait(TIMEOUT, function() return clients_for(fbuf)[1] ~= nil end, 50)
  local furi = vim.uri_from_bufnr(fbuf)

  local function request(method, request_params)
    local replies, request_err = vim.lsp.buf_request_sync(fbuf, method, request_params, TIMEOUT)
    for _, reply in pairs(replies or {}) do
      if reply.error then
        return nil, vim.inspect(reply.error)
      end
      return reply.result, nil
    end
    return nil, request_err or 'no answer'
  end

  -- Completion after `--mount=type=cache,` offers the cache mount's options.
  local completion, cerr = request('textDocument/completion', {
    textDocument = { uri = furi }, position = { line = 7, character = 23 },
  })
  local labels = {}
  for _, item in ipairs((completion and (completion.items or completion)) or {}) do
    labels[item.label] = true
  end
  check(labels['target'] or labels['target='], 'completion offers cache mount options', cerr or vim.inspect(vim.tbl_keys(labels)))

  -- The outline is a tree: stages contain their instructions.
  local symbols, serr = request('textDocument/documentSymbol', { textDocument = { uri = furi } })
  local stage_names, nested = {}, false
  for _, symbol in ipairs(symbols or {}) do
    table.insert(stage_names, symbol.name)
    if symbol.children and #symbol.children > 0 then
      nested = true
    end
  end
  check(nested, 'document symbols are a tree of stages', serr or table.concat(stage_names, ', '))

  -- Definition of `build` in `COPY --from=build` is the `AS build` of line 2.
  local definition, derr = request('textDocument/definition', {
    textDocument = { uri = furi }, position = { line = 6, character = 14 },
  })
  local target = definition and (definition.range and definition or definition[1])
  local target_range = target and (target.range or target.targetSelectionRange)
  check(target_range ~= nil and target_range.start.line == 1, 'definition of a stage reference', derr or vim.inspect(definition))

  -- Rename the variable APP_HOME everywhere it is used in its stage.
  local rename, rerr = request('textDocument/rename', {
    textDocument = { uri = furi }, position = { line = 2, character = 5 }, newName = 'HOME_DIR',
  })
  local count = 0
  if rename then
    if rename.changes then
      for _, edits in pairs(rename.changes) do
        count = count + #edits
      end
    end
    for _, change in ipairs(rename.documentChanges or {}) do
      count = count + #(change.edits or {})
    end
  end
  check(count == 2, 'rename edits the declaration and the use', rerr or ('edits: ' .. count))

  -- Formatting: keyword case, one space after the keyword, continuation indented.
  local edits, ferr = request('textDocument/formatting', {
    textDocument = { uri = furi }, options = { tabSize = 4, insertSpaces = true },
  })
  if edits then
    vim.lsp.util.apply_text_edits(edits, fbuf, 'utf-16')
  end
  local formatted = vim.api.nvim_buf_get_lines(fbuf, 3, 5, false)
  check(formatted[1] == 'RUN echo "$APP_HOME" \\' and formatted[2] == '    echo done', 'formatting applies',
    ferr or vim.inspect(formatted))

  -- A second Dockerfile in the same folder reuses the same server.
  local second = dir .. '/Containerfile'
  vim.fn.writefile({ 'FROM alpine:3.19' }, second)
  vim.cmd('edit ' .. vim.fn.fnameescape(second))
  local bufnr2 = vim.api.nvim_get_current_buf()
  check(vim.bo[bufnr2].filetype == 'dockerfile', 'Containerfile is dockerfile', vim.bo[bufnr2].filetype)
  local client2
  vim.wait(TIMEOUT, function()
    client2 = clients_for(bufnr2)[1]
    return client2 ~= nil
  end, 50)
  check(client2 ~= nil and client2.id == client.id, 'same root reuses the client', client2 and tostring(client2.id) or 'no client')
end

local ok, err = xpcall(run, debug.traceback)
if not ok then
  check(false, 'test script error', err)
end
finish()
