" Dockerfile detection for Neovim versions that lack it. Recent Neovim already detects these
" names; setfiletype never overrides a filetype that detection has set.
autocmd BufNewFile,BufRead Containerfile,Containerfile.*,*.Dockerfile,*.dockerfile,Dockerfile.* setfiletype dockerfile
