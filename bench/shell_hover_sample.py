"""A fresh random sample of hard tokens inside RUN instructions of the corpus, hovered and judged.

    python bench/shell_hover_sample.py            # the sample, each token with its hover's first line
    python bench/shell_hover_sample.py --full     # ... and the hover's other lines

How the sample is drawn (fixed seed, so the same sample every time on the same corpus):
every corpus Dockerfile is analysed; in each shell-form or heredoc RUN, every token of these
kinds is a candidate: ``variable`` (a ``$`` reference the shell reads), ``option`` (of a known
command, whose meaning depends on the command and subcommand), ``wrapped`` (a command run by a
wrapper, ``find -exec``, ``xargs`` or an inline ``sh -c``/``su -c`` script), ``subcommand``,
``package`` (an operand of an install subcommand), ``argument`` (any other operand of a known
command), ``redirect``. Per kind a fixed number of candidates is drawn with
``random.Random(SEED)``; the hover is asked at the token's first character + 1.

The verdict of each token is in :data:`VERDICTS` (judged by reading the hover against what the
token does there): ``correct``, ``generic`` (true but not about this use), ``wrong``,
``empty`` (no hover where a user expects text) or ``empty-ok`` (no hover, and none is expected:
a file name of an unknown program). A token without a recorded verdict prints ``?``.
Not a test: corpus-driven, slow, and judged by a person.
"""

from __future__ import annotations

import argparse
import collections
import random
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "server"))
sys.path.insert(0, str(ROOT))

SEED = 20261202
PER_KIND = {"variable": 40, "option": 25, "wrapped": 20, "subcommand": 10, "package": 15, "argument": 20,
            "redirect": 15}


def candidates(path: Path, text: str):
    from docksense.analysis import Analysis
    from docksense.analysis.shell import classify
    from docksense.analysis.shell.runs import run_shell
    from docksense.knowledge import KnowledgeBase

    kb = KnowledgeBase()
    analysis = Analysis(text, path)
    for ins in analysis.tree.instructions:
        target = ins.trigger if ins.trigger is not None else ins
        if target.name != "RUN" or target.form == "exec":
            continue
        model = run_shell(analysis, ins)
        for ref in model.references:
            if ref.name or ref.ref.kind != "expand":
                # hovered on the name, where a reader points (the `${` has a hover of its own)
                yield "variable", analysis, ref.start, ref.end, ref.name_start if ref.name else ref.start
        for piece, shell in model.pieces:
            for r in shell.script.redirections:
                if r.op in ("<<", "<<-"):
                    continue
                start, end = piece.to_doc(r.start, r.end)
                yield "redirect", analysis, start, end, start + (1 if end - start > 1 else 0)
        for located in analysis.commands(ins):
            command = located.command
            if not command.words:
                continue
            roles = classify(command, kb)
            if not roles or roles[0].entry is None:
                continue
            if command.context != "top" or command.wrappers:
                start, end = located.span(roles[0].start, roles[0].end)
                yield "wrapped", analysis, start, end, start + (1 if end - start > 1 else 0)
            owner = ""
            for role in roles[1:]:
                start, end = located.span(role.start, role.end)
                at = start + (1 if end - start > 1 else 0)
                if role.role == "subcommand":
                    owner = role.key
                    yield "subcommand", analysis, start, end, at
                elif role.role == "option":
                    yield "option", analysis, start, end, at
                elif role.role == "operand" and "$" not in role.word.raw:
                    kind = "package" if owner in ("install", "add", "i") else "argument"
                    yield kind, analysis, start, end, at


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--full", action="store_true")
    args = parser.parse_args()
    from docksense.features.explain import explain_at
    from docksense.features.hover import render
    from docksense.knowledge import KnowledgeBase

    from tests.conftest import CORPUS, corpus_files, read

    if not CORPUS.is_dir():
        sys.exit("the corpus (../shared/corpus) is not beside the repository")
    kb = KnowledgeBase()
    rng = random.Random(SEED)
    files = [p for p in corpus_files() if "/files/" in str(p)]
    rng.shuffle(files)
    pool: dict[str, list] = collections.defaultdict(list)
    for path in files[:400]:
        text = read(path)
        for kind, analysis, start, end, at in candidates(path, text):
            pool[kind].append((path, analysis, start, end, at))
    counts: collections.Counter[str] = collections.Counter()
    for kind, wanted in PER_KIND.items():
        chosen = rng.sample(pool[kind], min(wanted, len(pool[kind])))
        chosen.sort(key=lambda c: (str(c[0]), c[2]))
        print(f"\n## {kind} ({len(chosen)} of {len(pool[kind])} candidates)")
        for path, analysis, start, end, at in chosen:
            token = analysis.text[start:end]
            line_no = analysis.lines.position(start)[0] + 1
            key = f"{path.parent.name}/{path.name}:{line_no}:{token}"
            explanation = explain_at(analysis, kb, at)
            hover = render(explanation).splitlines() if explanation is not None else []
            first = " ".join(line for line in hover[:3] if line)[:200] if hover else "(no hover)"
            verdict = VERDICTS.get(key, "?")
            counts[verdict] += 1
            print(f"- [{verdict}] {key}\n    {first}")
            if args.full and hover:
                for line in hover[3:]:
                    if line and not line.startswith("[Docs]"):
                        print(f"      {line[:200]}")
    total = sum(counts.values())
    print("\n## verdicts")
    for verdict in ("correct", "generic", "wrong", "empty", "empty-ok", "?"):
        if counts[verdict]:
            print(f"{verdict}: {counts[verdict]} ({100 * counts[verdict] / total:.1f}%)")
    print(f"total: {total}")


# Verdicts, by "<folder>/<file>:<line>:<token>" (see the module docstring).
VERDICTS: dict[str, str] = {
    'adoptium__containers/11__jre__alpine__3.22__Dockerfile:54:${ARCH}': 'correct',
    'adoptium__containers/17__jdk__ubuntu__resolute__Dockerfile:95:$JAVA_HOME': 'correct',
    'adoptium__containers/21__jre__alpine__3.24__Dockerfile:64:${ARCH}': 'correct',
    'adoptium__containers/21__jre__ubi__ubi10-minimal__Dockerfile:77:${BINARY_URL}': 'correct',
    'docker-library__openjdk/28__slim-trixie__Dockerfile:54:$JAVA_HOME': 'correct',
    'docker-library__php/8.2__alpine3.24__zts__Dockerfile:83:$GNUPGHOME': 'correct',
    'docker-library__php/8.3__bookworm__fpm__Dockerfile:133:${PHP_INI_DIR%/php}': 'correct',
    'docker-library__php/8.4__alpine3.23__zts__Dockerfile:124:$PHP_INI_DIR': 'correct',
    'docker-library__php/8.5__alpine3.24__fpm__Dockerfile:110:$PHP_CPPFLAGS': 'correct',
    'docker-library__php/8.5__trixie__apache__Dockerfile:72:$APACHE_LOG_DIR': 'correct',
    'docker-library__php/8.5__trixie__apache__Dockerfile:176:$PHP_CFLAGS': 'correct',
    'docker-library__php/8.5__trixie__apache__Dockerfile:260:$': 'correct',
    'docker-library__php/8.6-rc__bookworm__cli__Dockerfile:77:$PHP_URL': 'correct',
    'docker-library__php/8.6-rc__bookworm__cli__Dockerfile:90:$GNUPGHOME': 'correct',
    'docker-library__php/8.6-rc__bookworm__cli__Dockerfile:179:$@': 'correct',
    'docker-library__python/3.10__alpine3.24__Dockerfile:135:$src': 'correct',
    'docker-library__python/3.13__bookworm__Dockerfile:57:$arch': 'correct',
    'docker-library__python/3.15-rc__slim-bookworm__Dockerfile:142:$dst': 'correct',
    'docker-library__wordpress/beta__php8.2__apache__Dockerfile:68:$savedAptMark': 'correct',
    'docker-library__wordpress/beta__php8.5__fpm__Dockerfile:109:$PHP_INI_DIR': 'correct',
    'dotnet__dotnet-docker/src__aspnet__10.0__alpine3.23__amd64__Dockerfile:10:$aspnetcore_version': 'correct',
    'dotnet__dotnet-docker/src__aspnet__10.0__alpine3.23__amd64__Dockerfile:15:$aspnetcore_version': 'correct',
    'dotnet__dotnet-docker/src__aspnet__8.0__alpine3.24-composite-extra__arm32v7__Dockerfile:13:$aspnetcore_version': 'correct',
    'dotnet__dotnet-docker/src__aspnet__8.0__alpine3.24-extra__amd64__Dockerfile:9:$aspnetcore_version': 'correct',
    'dotnet__dotnet-docker/src__aspnet__8.0__noble-chiseled__amd64__Dockerfile:10:$aspnetcore_version': 'correct',
    'dotnet__dotnet-docker/src__runtime-deps__10.0__alpine3.23-extra__arm32v7__Dockerfile:30:$APP_UID': 'correct',
    'dotnet__dotnet-docker/src__runtime__10.0__alpine3.24__arm32v7__Dockerfile:9:$dotnet_version': 'correct',
    'dotnet__dotnet-docker/src__runtime__8.0__alpine3.24__arm64v8__Dockerfile:9:$dotnet_version': 'correct',
    'dotnet__dotnet-docker/src__runtime__8.0__bookworm-slim__arm32v7__Dockerfile:9:$dotnet_version': 'correct',
    'dotnet__dotnet-docker/src__runtime__8.0__jammy-chiseled-extra__arm64v8__Dockerfile:14:$dotnet_version': 'correct',
    'dotnet__dotnet-docker/src__runtime__9.0__alpine3.23__amd64__Dockerfile:9:$dotnet_version': 'correct',
    'dotnet__dotnet-docker/src__runtime__9.0__alpine3.24-extra__amd64__Dockerfile:11:$dotnet_version': 'correct',
    'dotnet__dotnet-docker/src__runtime__9.0__bookworm-slim__amd64__Dockerfile:11:$dotnet_version': 'correct',
    'dotnet__dotnet-docker/src__sdk__10.0__noble__arm32v7__Dockerfile:9:$dotnet_sdk_version': 'correct',
    'dotnet__dotnet-docker/src__sdk__8.0__bookworm-slim__amd64__Dockerfile:11:$': 'correct',
    'jessfraz__dockerfiles/hollywood__Dockerfile:19:$HOME': 'correct',
    'moby__buildkit/Dockerfile:91:${PKG}': 'correct',
    'moby__buildkit/frontend__dockerfile__parser__testfiles__cpuguy83-nagios__Dockerfile:26:${NAGIOS_HOME}': 'correct',
    'nodejs__docker-node/24__bookworm__Dockerfile:37:$GNUPGHOME': 'correct',
    'nodejs__docker-node/24__bookworm__Dockerfile:59:$YARN_VERSION': 'correct',
    'adoptium__containers/21__jdk__ubuntu__jammy__Dockerfile:105:-rf': 'correct',
    'adoptium__containers/21__jdk__ubuntu__jammy__Dockerfile:106:--version': 'correct',
    'adoptium__containers/21__jre__alpine__3.24__Dockerfile:81:--no-same-owner': 'correct',
    'adoptium__containers/25__jdk__ubuntu__noble__Dockerfile:30:-y': 'correct',
    'adoptium__containers/25__jre__alpine__3.23__Dockerfile:71:--recv-keys': 'correct',
    'docker-library__php/8.3__alpine3.23__cli__Dockerfile:148:--with-iconv': 'empty',
    'docker-library__php/8.4__alpine3.23__fpm__Dockerfile:173:e': 'correct',
    'docker-library__postgres/17__alpine3.23__Dockerfile:165:--virtual': 'correct',
    'docker-library__postgres/18__alpine3.22__Dockerfile:141:--prefix': 'correct',
    'docker-library__python/3.11__trixie__Dockerfile:96:--no-cache-dir': 'correct',
    'docker-library__python/3.12__slim-trixie__Dockerfile:67:--strip-components': 'correct',
    'docker-library__python/3.12__trixie__Dockerfile:103:-name': 'correct',
    'docker-library__ruby/3.4__alpine3.23__Dockerfile:23:-eux': 'correct',
    'docker-library__wordpress/beta__php8.2__apache__Dockerfile:135:-c': 'correct',
    'docker-library__wordpress/latest__php8.2__fpm-alpine__Dockerfile:38:--with-jpeg': 'correct',
    'docker-library__wordpress/latest__php8.2__fpm__Dockerfile:60:-z': 'correct',
    'docker-library__wordpress/latest__php8.3__fpm__Dockerfile:154:v': 'correct',
    'dotnet__dotnet-docker/src__aspnet__8.0__alpine3.23-composite-extra__arm32v7__Dockerfile:13:--extract': 'correct',
    'dotnet__dotnet-docker/src__aspnet__8.0__alpine3.24__arm64v8__Dockerfile:13:--gzip': 'correct',
    'dotnet__dotnet-docker/src__runtime-deps__9.0__noble-chiseled-extra__arm32v7__Dockerfile:22:--parents': 'correct',
    'dotnet__dotnet-docker/src__runtime__8.0__jammy-chiseled-extra__arm64v8__Dockerfile:8:--fail': 'correct',
    'dotnet__dotnet-docker/src__sdk__10.0__resolute__arm64v8__Dockerfile:10:-c': 'correct',
    'dotnet__dotnet-docker/src__sdk__9.0__alpine3.24__amd64__Dockerfile:13:--gzip': 'correct',
    'jessfraz__dockerfiles/spotify__Dockerfile:21:--no-install-recommends': 'correct',
    'moby__buildkit/frontend__dockerfile__parser__testfile-line__Dockerfile:18:-l': 'correct',
    'adoptium__containers/11__jdk__alpine__3.22__Dockerfile:83:echo': 'correct',
    'adoptium__containers/11__jre__ubuntu__resolute__Dockerfile:83:mktemp': 'correct',
    'adoptium__containers/25__jdk__ubuntu__noble__Dockerfile:79:apt-mark': 'correct',
    'adoptium__containers/26__jdk__alpine__3.23__Dockerfile:90:echo': 'correct',
    'docker-library__php/8.3__bookworm__fpm__Dockerfile:125:dpkg-architecture': 'correct',
    'docker-library__php/8.4__trixie__fpm__Dockerfile:100:apt-mark': 'correct',
    'docker-library__php/8.4__trixie__fpm__Dockerfile:124:dpkg-architecture': 'correct',
    'docker-library__php/8.6-rc__alpine3.24__fpm__Dockerfile:169::': 'correct',
    'docker-library__php/8.6-rc__bookworm__cli__Dockerfile:84:mktemp': 'correct',
    'docker-library__python/3.12__slim-trixie__Dockerfile:150:echo': 'correct',
    'docker-library__python/3.12__trixie__Dockerfile:104:rm': 'correct',
    'docker-library__redis/7.0__alpine__Dockerfile:109:cut': 'correct',
    'docker-library__redis/7.0__alpine__Dockerfile:113:cut': 'correct',
    'docker-library__redis/7.0__debian__Dockerfile:119:cut': 'correct',
    'docker-library__wordpress/beta__php8.2__apache__Dockerfile:64:php': 'correct',
    'docker-library__wordpress/beta__php8.2__fpm-alpine__Dockerfile:64:scanelf': 'correct',
    'docker-library__wordpress/beta__php8.3__fpm-alpine__Dockerfile:135:basename': 'correct',
    'docker-library__wordpress/latest__php8.2__fpm__Dockerfile:143:basename': 'correct',
    'moby__buildkit/frontend__dockerfile__parser__testfiles__cpuguy83-nagios__Dockerfile:24:echo': 'correct',
    'nginxinc__docker-nginx/mainline__alpine__Dockerfile:51:export': 'correct',
    'docker-library__php/8.3__bookworm__apache__Dockerfile:272:update-channels': 'correct',
    'docker-library__php/8.4__alpine3.23__zts__Dockerfile:179:clean': 'correct',
    'docker-library__php/8.5__trixie__apache__Dockerfile:34:install': 'correct',
    'docker-library__php/8.5__trixie__zts__Dockerfile:34:install': 'correct',
    'docker-library__php/8.6-rc__trixie__cli__Dockerfile:182:clean': 'correct',
    'docker__awesome-compose/sparkjava__sparkjava__Dockerfile:6:dependency:go-offline': 'correct',
    'dotnet__dotnet-docker/src__aspnet__11.0__azurelinux4.0__arm64v8__Dockerfile:9:clean': 'correct',
    'dotnet__dotnet-docker/src__runtime-deps__11.0__alpine3.24__arm64v8__Dockerfile:13:add': 'correct',
    'jessfraz__dockerfiles/fontpatcher__Dockerfile:23:purge': 'correct',
    'nodejs__docker-node/Dockerfile-slim.template:53:showmanual': 'correct',
    'adoptium__containers/11__jdk__alpine__3.22__Dockerfile:38:ca-certificates': 'correct',
    'adoptium__containers/25__jre__ubuntu__resolute__Dockerfile:74:gnupg': 'correct',
    'docker-library__php/8.6-rc__alpine3.24__fpm__Dockerfile:100:readline-dev': 'correct',
    'docker-library__postgres/17__alpine3.22__Dockerfile:81:g++': 'correct',
    'docker-library__python/3.12__slim-trixie__Dockerfile:44:libgdbm-dev': 'correct',
    'docker-library__wordpress/latest__php8.3__fpm__Dockerfile:32:libjpeg-dev': 'correct',
    'dotnet__dotnet-docker/src__runtime-deps__10.0__alpine3.23-extra__arm32v7__Dockerfile:15:icu-data-full': 'correct',
    'dotnet__dotnet-docker/src__runtime-deps__8.0__azurelinux3.0__amd64__Dockerfile:12:ca-certificates': 'correct',
    'dotnet__dotnet-docker/src__runtime-deps__9.0__alpine3.23__arm32v7__Dockerfile:22:zlib': 'correct',
    'dotnet__dotnet-docker/src__runtime-deps__9.0__alpine3.24__arm64v8__Dockerfile:17:libgcc': 'correct',
    'dotnet__dotnet-docker/src__sdk__8.0__alpine3.23__arm64v8__Dockerfile:43:tzdata': 'correct',
    'jessfraz__dockerfiles/cathode__Dockerfile:12:qml-module-qtquick-controls': 'generic',
    'jessfraz__dockerfiles/masscan__Dockerfile:16:linux-headers': 'correct',
    'jessfraz__dockerfiles/tor-relay__Dockerfile:23:bash': 'correct',
    'moby__buildkit/frontend__dockerfile__parser__testfiles__cpuguy83-nagios__Dockerfile:14:snmp': 'generic',
    'adoptium__containers/21__jdk__ubuntu__jammy__Dockerfile:95:/tmp/openjdk.tar.gz': 'empty-ok',
    'adoptium__containers/25__jdk__ubuntu__noble__Dockerfile:111:]': 'correct',
    'adoptium__containers/26__jdk__alpine__3.23__Dockerfile:85:/tmp/openjdk.tar.gz': 'empty-ok',
    'adoptium__containers/26__jdk__ubuntu__resolute__Dockerfile:46:en_US.UTF-8': 'empty',
    "docker-library__php/8.3__bookworm__fpm__Dockerfile:246:'[www]'": 'empty-ok',
    'docker-library__php/8.4__alpine3.23__fpm__Dockerfile:208:sodium': 'empty',
    'docker-library__php/8.4__alpine3.23__zts__Dockerfile:43:/var/www/html': 'correct',
    'docker-library__php/8.6-rc__alpine3.24__fpm__Dockerfile:205:php-fpm.d/www.conf.default': 'empty-ok',
    "docker-library__php/8.6-rc__alpine3.24__fpm__Dockerfile:219:'; https://bugs.php.net/bug.php?id=73886'": 'empty-ok',
    "docker-library__php/8.6-rc__alpine3.24__fpm__Dockerfile:226:'decorate_workers_output = no'": 'empty-ok',
    'docker-library__php/8.6-rc__bookworm__cli__Dockerfile:46:!': 'correct',
    'docker-library__php/8.6-rc__trixie__cli__Dockerfile:47:/var/www/html': 'correct',
    'docker-library__postgres/17__alpine3.22__Dockerfile:36:/usr/local/bin/gosu.asc': 'empty-ok',
    "docker-library__postgres/17__alpine3.23__Dockerfile:158:'\\n'": 'empty-ok',
    'docker-library__python/3.10__alpine3.23__Dockerfile:60:-': 'correct',
    'docker-library__python/3.10__alpine3.23__Dockerfile:71:/usr/src/python': 'empty-ok',
    'docker-library__ruby/4.0__alpine3.23__Dockerfile:86:/usr/src/ruby': 'empty-ok',
    'dotnet__dotnet-docker/src__aspnet__8.0__azurelinux3.0-distroless__arm64v8__Dockerfile:10:all': 'correct',
    'jessfraz__dockerfiles/irssi__Dockerfile:66:/tmp/libotr.tar.gz.asc': 'empty-ok',
    'nginxinc__docker-nginx/mainline__debian-otel__Dockerfile:79:.': 'correct',
    'adoptium__containers/25__jdk__ubuntu__jammy__Dockerfile:94:> /dev/null': 'correct',
    'adoptium__containers/8__jre__ubuntu__resolute__Dockerfile:47:>> /etc/locale.gen': 'correct',
    'docker-library__php/8.3__bookworm__apache__Dockerfile:152:> /dev/null': 'correct',
    'docker-library__php/8.5__trixie__zts__Dockerfile:93:> /dev/null': 'correct',
    'docker-library__php/8.6-rc__trixie__fpm__Dockerfile:256:> "$PHP_INI_DIR/conf.d/docker-fpm.ini"': 'correct',
    'docker-library__postgres/15__trixie__Dockerfile:104:> /etc/apt/sources.list.d/pgdg.list': 'correct',
    'docker-library__postgres/18__alpine3.22__Dockerfile:116:> src/include/pg_config_manual.h.new': 'correct',
    'docker-library__wordpress/beta__php8.3__fpm-alpine__Dockerfile:58:1>&2': 'correct',
    'docker-library__wordpress/latest__php8.3__fpm__Dockerfile:136:> /usr/src/wordpress/.htaccess': 'correct',
    'dotnet__dotnet-docker/src__runtime-deps__10.0__resolute-chiseled__amd64__Dockerfile:24:> "/rootfs/etc/passwd"': 'correct',
    'dotnet__dotnet-docker/src__runtime-deps__10.0__resolute-chiseled__amd64__Dockerfile:25:> "/rootfs/etc/group"': 'correct',
    'dotnet__dotnet-docker/src__runtime-deps__8.0__jammy-chiseled__amd64__Dockerfile:24:> "/rootfs/etc/passwd"': 'correct',
    'dotnet__dotnet-docker/src__runtime-deps__9.0__azurelinux3.0-distroless__arm64v8__Dockerfile:27:> /staging/var/lib/rpmmanifest/container-manifest-2': 'correct',
    'moby__buildkit/frontend__dockerfile__parser__testfile-line__Dockerfile:28:> /tmp/dpkg.dirty': 'correct',
    'nodejs__docker-node/22__trixie-slim__Dockerfile:48:> /dev/null': 'correct',
}


if __name__ == "__main__":
    main()
