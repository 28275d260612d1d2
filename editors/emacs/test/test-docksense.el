;;; test-docksense.el --- Batch test of docksense.el -*- lexical-binding: t; -*-
;; Run: bash editors/emacs/test/run.sh
;; eglot: end to end against the real server (hover on FROM, diagnostic for line 2) and the
;; settings sent. lsp-mode (if installed): registration and workspace/configuration answer.
;; DOCKSENSE_CMD overrides the server command (split on spaces).

(require 'cl-lib)
(require 'package)
(package-initialize)

(defvar test-failures nil)
(defvar test-timeout (string-to-number (or (getenv "DOCKSENSE_TEST_TIMEOUT_S") "20")))

(defun test-say (fmt &rest args)
  (princ (concat (apply #'format fmt args) "\n")))

(defun test-check (ok name &optional detail)
  (if ok
      (test-say "ok     %s" name)
    (test-say "FAIL   %s%s" name (if detail (format ": %s" detail) ""))
    (push name test-failures))
  ok)

(defun test-wait (predicate)
  "Run the event loop until PREDICATE is non-nil or the timeout; return its value."
  (let ((deadline (+ (float-time) test-timeout)) value)
    (while (and (not (setq value (funcall predicate))) (< (float-time) deadline))
      (accept-process-output nil 0.05))
    value))

(defun test-json (object)
  (json-serialize object :false-object :json-false :null-object nil))

(defconst test-root (file-name-directory (directory-file-name (file-name-directory (or load-file-name buffer-file-name)))))
(add-to-list 'load-path test-root)

(unless (fboundp 'dockerfile-mode)
  (define-derived-mode dockerfile-mode prog-mode "Dockerfile"))

(require 'eglot)
(require 'docksense)
(test-say "emacs %s, eglot %s" emacs-version
          (or (ignore-errors (package-desc-version (cadr (assq 'eglot package-alist)))) "built-in"))

(when (getenv "DOCKSENSE_CMD")
  (setq docksense-server-command (split-string (getenv "DOCKSENSE_CMD") " " t)))
(test-say "server command: %s" (string-join docksense-server-command " "))

;;; Settings as JSON
(let ((json (test-json (docksense-initialization-options))))
  (test-check (string-match-p "\"docksense\":{" json) "initializationOptions has a docksense object" json)
  (test-check (string-match-p "\"severity\":{}" json) "empty object setting sent as {}" json)
  (test-check (string-match-p "\"experimental\":\\[\\]" json) "empty list setting sent as []" json)
  (test-check (string-match-p "\"enable\":true" json) "boolean sent as true" json))
(let ((docksense-diagnostics-enable nil)
      (docksense-rules-severity '(("DL3007" . "error"))))
  (let ((json (test-json (docksense-settings))))
    (test-check (and (string-match-p "\"enable\":false" json)
                     (string-match-p "\"severity\":{\"DL3007\":\"error\"}" json))
                "false and a non-empty object" json)))

;;; eglot registration
(test-check (eq (cdr (car eglot-server-programs)) #'docksense--eglot-contact)
            "eglot-server-programs starts with docksense" (format "%S" (car eglot-server-programs)))

;;; eglot end to end
(let* ((dir (make-temp-file "docksense-emacs-" t))
       (file (expand-file-name "Dockerfile" dir))
       server)
  (with-temp-file file (insert "FROM alpine:3.19\nFOO bar\nRUN echo hi\n"))
  (find-file file)
  (dockerfile-mode)
  (condition-case err
      (progn
        (apply #'eglot (eglot--guess-contact))
        (setq server (test-wait #'eglot-current-server)))
    (error (test-check nil "eglot connects" (error-message-string err))))
  (when (test-check (and server (object-of-class-p server 'eglot-docksense-server))
                    "eglot connected with the docksense class")
    (let* ((answer (eglot-handle-request server 'workspace/configuration
                                         :items (vector (list :section "docksense"))))
           (json (test-json (aref answer 0))))
      (test-check (string-match-p "\"detail\":\"full\"" json) "workspace/configuration answers the docksense section" json))
    (let* ((hover (condition-case err
                      (jsonrpc-request server :textDocument/hover
                                       (list :textDocument (list :uri (eglot--path-to-uri file))
                                             :position (list :line 0 :character 1))
                                       :timeout test-timeout)
                    (error (list :error (format "%S" err)))))
           (contents (plist-get hover :contents))
           (text (cond ((stringp contents) contents)
                       ((plist-get contents :value))
                       ((vectorp contents) (mapconcat (lambda (c) (if (stringp c) c (or (plist-get c :value) ""))) contents "\n"))
                       (t ""))))
      (test-check (and (stringp text) (not (string-empty-p (string-trim text))))
                  "hover on FROM answers an explanation" (format "%S" hover)))
    (let ((found (test-wait (lambda ()
                              (cl-some (lambda (d) (= 2 (line-number-at-pos (flymake-diagnostic-beg d))))
                                       (flymake-diagnostics))))))
      (test-check found "diagnostic published for FOO bar on line 2"
                  (format "%S" (mapcar #'flymake-diagnostic-text (flymake-diagnostics)))))
    (ignore-errors (eglot-shutdown server)))
  (kill-buffer (get-file-buffer file))
  (setq default-directory temporary-file-directory)
  (delete-directory dir t))

;;; lsp-mode (registration only)
(if (not (require 'lsp-mode nil t))
    (test-say "skip   lsp-mode not installed")
  (test-check (gethash 'docksense lsp-clients) "lsp-mode client docksense registered")
  (let ((json (test-json (gethash "docksense" (lsp-configuration-section "docksense")))))
    (test-check (and (string-match-p "\"detail\":\"full\"" json)
                     (string-match-p "\"debounceMs\":50" json)
                     (string-match-p "\"families\":{" json))
                "lsp-mode answers the docksense section" json)))

(if test-failures
    (progn
      (princ (format "docksense emacs test: %d check(s) failed: %s\n" (length test-failures)
                     (string-join (reverse test-failures) ", ")) #'external-debugging-output)
      (kill-emacs 1))
  (test-say "docksense emacs test: all checks passed")
  (kill-emacs 0))
