"""The practice family: hadolint's best-practice checks, each on the word it concerns.

Every rule has a case that fires (with the exact text the finding covers), cases that must
stay silent (hadolint's own exemptions and the false positives docksense avoids), and, where
the rule offers a fix, the fixed text, which must not trigger the rule again.
"""

from __future__ import annotations

import pytest

from docksense.rules import RULES, RuleConfig, canonical

from .rule_helpers import apply_fix, findings, lines_of

# rule -> (Dockerfile, the text each finding covers, in order)
POSITIVE: dict[str, list[tuple[str, list[str]]]] = {
    "AptGetMissingYes": [
        ("FROM debian:12\nRUN apt-get install curl=1\n", ["install"]),
        ("FROM debian:12\nRUN sudo apt-get -q install curl=1\n", ["install"]),
        ('FROM debian:12\nRUN ["apt-get", "install", "curl=1"]\n', ["install"]),
    ],
    "AptNoInstallRecommends": [
        ("FROM debian:12\nRUN apt-get install -y curl=1\n", ["install"]),
    ],
    "AptPinVersions": [
        ("FROM debian:12\nRUN apt-get install -y --no-install-recommends curl wget=1.2 \\\n    git\n",
         ["curl", "git"]),
        ("FROM debian:12\nRUN apt-get install -y -t bookworm-backports curl\n", ["curl"]),
    ],
    "AptListsNotCleaned": [
        ("FROM debian:12\nRUN apt-get update && apt-get install -y x=1\n", ["update"]),
        ("FROM debian:12 AS base\nRUN apt-get update\nFROM base\nRUN true\n", ["update"]),
        ("FROM debian:12\nONBUILD RUN apt-get update\n", ["update"]),
    ],
    "AptUseAptGet": [
        ("FROM debian:12\nRUN apt install -y curl=1\n", ["apt"]),
        ("FROM debian:12\nRUN apt list --installed\n", ["apt"]),
    ],
    "ApkNoCache": [
        ("FROM alpine:3\nRUN apk add curl=8.0\n", ["add"]),
        ("FROM alpine:3\nRUN apk update && apk add --virtual .deps curl=8.0\n", ["add"]),
    ],
    "ApkPinVersions": [
        ("FROM alpine:3\nRUN apk add --no-cache --virtual .deps gcc musl-dev=1.2 ./local.apk\n", ["gcc"]),
        ("FROM alpine:3\nRUN apk add --no-cache -X https://repo/main curl\n", ["curl"]),
    ],
    "PipNoCacheDir": [
        ("FROM python:3.12\nRUN pip install -r requirements.txt\n", ["install"]),
        ("FROM python:3.12\nRUN python3 -m pip install flask==3.0\n", ["install"]),
        ("FROM python:3.12\nRUN /venv/bin/pip install -r r.txt\n", ["install"]),
        ("FROM python:3.12\nRUN pip install -r r.txt\nENV PIP_NO_CACHE_DIR=1\n", ["install"]),
        ("FROM python:3.12\nENV PIP_NO_CACHE_DIR=0\nRUN pip install -r r.txt\n", ["install"]),
    ],
    "PipPinVersions": [
        ("FROM python:3.12\nRUN pip install --no-cache-dir flask requests==2.31 -i https://x/simple numpy\n",
         ["flask", "numpy"]),
        ("FROM python:3.12\nRUN pip install --no-cache-dir --upgrade pip\n", ["pip"]),
        ("FROM python:3.12\nRUN pip install --no-cache-dir git+https://github.com/x/y\n",
         ["git+https://github.com/x/y"]),
    ],
    "NpmPinVersions": [
        ("FROM node:22\nRUN npm install -g express @types/node typescript@5\n", ["express", "@types/node"]),
        ("FROM node:22\nRUN npm install git+https://github.com/x/y.git\n", ["git+https://github.com/x/y.git"]),
    ],
    "GemPinVersions": [
        ("FROM ruby:3\nRUN gem install rails bundler:2.5\n", ["rails"]),
        ("FROM ruby:3\nRUN gem i --no-document rake\n", ["rake"]),
    ],
    "GoInstallPinVersions": [
        ("FROM golang:1.22\nRUN go install github.com/x/tool@latest golang.org/x/y@v1.0\n",
         ["github.com/x/tool@latest"]),
        ("FROM golang:1.22\nRUN go get github.com/x/lib\n", ["github.com/x/lib"]),
        ("FROM golang:1.22\nRUN go run github.com/x/gen arg\n", ["github.com/x/gen"]),
    ],
    "YarnCacheClean": [
        ("FROM node:22\nRUN yarn install --frozen-lockfile\n", ["install"]),
        ("FROM node:22\nRUN yarn cache clean && yarn install\n", ["install"]),
    ],
    "YumMissingYes": [
        ("FROM centos:7\nRUN yum install httpd-2.4.6 && yum clean all\n", ["install"]),
        ("FROM centos:7\nRUN yum groupinstall 'Development Tools'\n", ["groupinstall"]),
    ],
    "DnfMissingYes": [
        ("FROM fedora:40\nRUN dnf install nginx-1.2 && dnf clean all\n", ["install"]),
    ],
    "ZypperMissingNonInteractive": [
        ("FROM opensuse/leap:15\nRUN zypper install curl=8 && zypper clean\n", ["install"]),
        ("FROM opensuse/leap:15\nRUN zypper rm vim\n", ["rm"]),
    ],
    "YumClean": [
        ("FROM centos:7\nRUN yum install -y httpd-2.4.6\n", ["install"]),
        ("FROM centos:7\nRUN yum clean all && yum install -y httpd-2.4.6\n", ["install"]),
    ],
    "DnfClean": [
        ("FROM fedora:40\nRUN dnf install -y nginx-1.2\n", ["install"]),
        ("FROM ubi9\nRUN microdnf upgrade -y && dnf clean all\n", ["upgrade"]),
    ],
    "ZypperClean": [
        ("FROM opensuse/leap:15\nRUN zypper -n install curl=8\n", ["install"]),
    ],
    "YumPinVersions": [
        ("FROM centos:7\nRUN yum install -y httpd python3-devel gcc-4.8.5 pkg.rpm && yum clean all\n",
         ["httpd", "python3-devel"]),
        ("FROM centos:8\nRUN yum module install -y nodejs && yum clean all\n", ["nodejs"]),
    ],
    "DnfPinVersions": [
        ("FROM fedora:40\nRUN dnf install -y nginx tar-1.34 && dnf clean all\n", ["nginx"]),
    ],
    "ZypperPinVersions": [
        ("FROM opensuse/leap:15\nRUN zypper -n install curl 'vim>=9' && zypper clean\n", ["curl"]),
    ],
    "ZypperDistUpgrade": [
        ("FROM opensuse/leap:15\nRUN zypper -n dist-upgrade\n", ["dist-upgrade"]),
        ("FROM opensuse/leap:15\nRUN zypper -n dup\n", ["dup"]),
    ],
    "CdInsteadOfWorkdir": [
        ("FROM alpine:3\nRUN cd /app && make\n", ["cd"]),
        ("FROM alpine:3\nRUN <<EOF\nset -e\ncd /src\nmake\nEOF\n", ["cd"]),
    ],
    "SudoInRun": [
        ("FROM alpine:3\nRUN sudo -u app make install\n", ["sudo"]),
    ],
    "CommandPointlessInBuild": [
        ("FROM debian:12\nRUN service nginx start\n", ["service"]),
        ("FROM debian:12\nRUN ps aux && vim /etc/hosts\n", ["ps", "vim"]),
    ],
    "ShellReplacedWithLn": [
        ("FROM debian:12\nRUN ln -sf /bin/bash /bin/sh\n", ["/bin/sh"]),
    ],
    "WgetAndCurl": [
        ("FROM debian:12\nRUN wget -q https://a/x\nRUN curl -fsSL https://b/y -o y\n", ["curl"]),
        ("FROM debian:12\nRUN curl -o a https://a && wget -q https://b\n", ["wget"]),
    ],
    "WgetProgressBar": [
        ("FROM debian:12\nRUN wget https://example.com/big.tar.gz\n", ["wget"]),
        ("FROM debian:12\nRUN wget -O big.tgz https://example.com/big.tgz\n", ["wget"]),
    ],
    "UseraddWithoutNoLogInit": [
        ("FROM debian:12\nRUN useradd -u 1000000 app\n", ["useradd"]),
        ("FROM debian:12\nRUN useradd --uid=123456 app\n", ["useradd"]),
    ],
    "PipefailMissing": [
        ("FROM debian:12\nRUN curl -fsSL https://x | tar -xz\n", ["|"]),
        ("FROM debian:12\nRUN a || b && c | d\n", ["|"]),
        ('FROM debian:12\nRUN ["sh", "-c", "wget -qO- https://x | sh"]\n', ["|"]),
        ("FROM debian:12\nRUN <<EOF\ncurl -s https://x | sh\nEOF\n", ["|"]),
        ("FROM debian:12\nRUN cat list | while read x; do echo $x; done\n", ["|"]),
        # sh has no pipefail (issue 12, item 3); after echo, the next pipe still counts
        ('FROM debian:12\nSHELL ["/bin/sh", "-o", "pipefail", "-c"]\nRUN wget -O - https://x | wc -l\n', ["|"]),
        ("FROM debian:12\nRUN echo x | tr a b | grep -q b\n", ["|"]),
    ],
    "ConsecutiveRunInstructions": [
        ("FROM debian:12\nRUN echo a\nRUN echo b\n", ["RUN"]),
        ("FROM debian:12\nRUN echo a\n# a comment\nRUN echo b\nRUN echo c\n", ["RUN", "RUN"]),
        ("FROM debian:12\nRUN sh -c 'echo a > /tmp/x'\nRUN echo b\n", ["RUN"]),
    ],
    "ImageTagLatest": [
        ("FROM alpine:latest\n", ["latest"]),
        ("FROM registry.example.com:5000/team/app:latest AS base\n", ["latest"]),
    ],
    "ImageUntagged": [
        ("FROM alpine\n", ["alpine"]),
        ("FROM registry.example.com:5000/team/app AS base\n", ["registry.example.com:5000/team/app"]),
    ],
    "AddForLocalFiles": [
        ("FROM alpine:3\nADD app.py /app/\n", ["ADD"]),
        ("FROM alpine:3\nADD vendor.tar.gz config.yml /opt/\n", ["ADD"]),
        ('FROM alpine:3\nADD ["a b.txt", "/dst/"]\n', ["ADD"]),
    ],
    "CopyFromUnknownStage": [
        ("FROM alpine:3 AS build\nRUN make\nFROM alpine:3\nCOPY --from=biuld /out /out\n", ["biuld"]),
        ("FROM alpine:3\nCOPY --from=nginx /etc/nginx /etc/nginx\n", ["nginx"]),
    ],
    "CopyRelativeWithoutWorkdir": [
        ("FROM node:22\nCOPY package.json .\n", ["."]),
        ("FROM node:22\nCOPY src app/src\nWORKDIR /app\n", ["app/src"]),
    ],
    "CopyEntireFilesystem": [
        ("FROM alpine:3 AS a\nFROM debian:12\nCOPY --from=a / /\n", ["/"]),
        ("FROM debian:12\nCOPY --from=busybox:1.36 / /\n", ["/"]),
    ],
    "CopyThenExtractArchive": [
        ("FROM alpine:3\nCOPY app.tar.gz /tmp/\nRUN tar -xzf /tmp/app.tar.gz -C /opt\n", ["app.tar.gz"]),
        ("FROM alpine:3\nCOPY dist /tmp/app.tgz\nRUN cd /opt && tar xzf /tmp/app.tgz\n", ["/tmp/app.tgz"]),
    ],
    "FromPlatformFlag": [
        ("FROM --platform=linux/amd64 debian:12\n", ["--platform=linux/amd64"]),
        ("ARG P=linux/arm64\nFROM --platform=$P debian:12\n", ["--platform=$P"]),
    ],
    "LastUserRoot": [
        ("FROM alpine:3\nUSER app\nRUN make\nUSER root\n", ["root"]),
        ("FROM alpine:3 AS base\nUSER 0:0\nFROM base\nRUN true\n", ["0:0"]),
        # every stage, as in hadolint (issue 12, item 3)
        ("FROM alpine:3 AS build\nUSER root\nFROM alpine:3\nUSER app\n", ["root"]),
    ],
    "UserNotNumeric": [
        ("FROM node:22\nUSER node\n", ["node"]),
        ("FROM node:22\nUSER app:1000\n", ["app:1000"]),
    ],
    "InvalidLabelKey": [
        ('FROM alpine:3\nLABEL Maintainer="me" com.docker.extra=x ok.key=1 "bad..key"=2 trailing.=3\n',
         ["Maintainer", "com.docker.extra", '"bad..key"', "trailing."]),
    ],
    "EnvSameInstructionReference": [
        ("FROM alpine:3\nENV JAVA_HOME=/opt/java PATH=$JAVA_HOME/bin:$PATH\n", ["$JAVA_HOME"]),
        ("FROM alpine:3\nENV A=1 B=${A}\n", ["${A}"]),
    ],
}

# rule -> Dockerfiles on which it must stay silent
NEGATIVE: dict[str, list[str]] = {
    "AptGetMissingYes": [
        "FROM debian:12\nRUN apt-get install -y curl=1\n",
        "FROM debian:12\nRUN apt-get -qq install curl=1\n",
        "FROM debian:12\nRUN apt-get install --assume-yes curl=1\n",
        "FROM debian:12\nRUN apt-get -q -q install curl=1\n",
        "FROM debian:12\nRUN apt-get update\n",
        "FROM debian:12\nRUN apt-get -o APT::Get::Assume-Yes=true install curl=1\n",
    ],
    "AptNoInstallRecommends": [
        "FROM debian:12\nRUN apt-get install -y --no-install-recommends curl=1\n",
        "FROM debian:12\nRUN apt-get install -y -o APT::Install-Recommends=false curl=1\n",
        "FROM debian:12\nRUN apt-get remove -y curl\n",
    ],
    "AptPinVersions": [
        "FROM debian:12\nRUN apt-get install -y curl=7.88 ./local.deb bookworm/stable\n",
        "FROM debian:12\nRUN apt-get install -y $PACKAGES\n",
        "FROM debian:12\nRUN apt-get install -y -o Dpkg::Options::=--force-confold x=1\n",
        "FROM debian:12\nRUN apt-get install -y -o Acquire::Retries=3 x=1\n",
    ],
    "AptListsNotCleaned": [
        "FROM debian:12\nRUN apt-get update && apt-get install -y x=1 && rm -rf /var/lib/apt/lists/*\n",
        "FROM debian:12\nRUN apt-get update && apt-get install -y x=1 && rm -fr /var/lib/apt/lists\n",
        "FROM debian:13\nRUN apt-get update; apt-get install -y x=1; apt-get dist-clean\n",
        "FROM debian:12\nRUN --mount=type=cache,target=/var/lib/apt/lists apt-get update\n",
        "FROM debian:12\nRUN --mount=type=cache,target=/var/lib/apt --mount=type=cache,target=/var/cache/apt "
        "apt-get update\n",
        # a builder stage that is neither the last stage nor a base of another
        "FROM debian:12 AS build\nRUN apt-get update\nFROM alpine:3\nCOPY --from=build /x /x\n",
    ],
    "AptUseAptGet": ["FROM debian:12\nRUN apt-get install -y curl=1 && apt-cache policy curl\n"],
    "ApkNoCache": [
        "FROM alpine:3\nRUN apk add --no-cache curl=8.0\n",
        "FROM alpine:3\nRUN --mount=type=cache,target=/var/cache/apk apk add curl=8.0\n",
        "FROM alpine:3\nRUN apk del curl\n",
        "FROM alpine:3\nRUN echo x | xargs apk add --no-network --virtual .rundeps\n",
    ],
    "ApkPinVersions": [
        "FROM alpine:3\nRUN apk add --no-cache curl=8.0 'bash>5' tini~0.19 ./pkg.apk\n",
        "FROM alpine:3\nRUN apk add --no-cache $DEPS\n",
    ],
    "PipNoCacheDir": [
        "FROM python:3.12\nRUN pip install --no-cache-dir -r requirements.txt\n",
        "FROM python:3.12\nENV PIP_NO_CACHE_DIR=1\nRUN pip install -r requirements.txt\n",
        "FROM python:3.12 AS base\nENV PIP_NO_CACHE_DIR=true\nFROM base\nRUN pip install -r r.txt\n",
        "FROM python:3.12\nRUN PIP_NO_CACHE_DIR=1 pip install -r requirements.txt\n",
        "FROM python:3.12\nARG PIP_NO_CACHE_DIR=1\nRUN pip install -r requirements.txt\n",
        "FROM python:3.12\nRUN --mount=type=cache,target=/root/.cache/pip pip install -r requirements.txt\n",
        "FROM python:3.12\nRUN pipx install black==24.1\n",
        "FROM python:3.12\nRUN pipenv install\n",
        "FROM python:3.12\nRUN pip download flask==3.0\n",
    ],
    "PipPinVersions": [
        "FROM python:3.12\nRUN pip install --no-cache-dir -r requirements.txt\n",
        "FROM python:3.12\nRUN pip install --no-cache-dir .\n",
        "FROM python:3.12\nRUN pip install --no-cache-dir -c constraints.txt flask\n",
        "FROM python:3.12\nRUN pip install --no-cache-dir 'flask>=3' x~=1.0 ./pkg dist/x.whl y.tar.gz\n",
        "FROM python:3.12\nRUN pip install --no-cache-dir git+https://github.com/x/y@v1.0\n",
        "FROM python:3.12\nRUN pip install --no-cache-dir --index-url https://x/simple flask==3.0\n",
        "FROM python:3.12\nRUN pip install --no-cache-dir $PACKAGES\n",
    ],
    "NpmPinVersions": [
        "FROM node:22\nRUN npm install\n",
        "FROM node:22\nRUN npm install -g express@4 @types/node@20 ./local ../x.tgz\n",
        "FROM node:22\nRUN npm install git+https://github.com/x/y.git#v1.0\n",
        "FROM node:22\nRUN npm install --registry https://registry.example express@4\n",
        "FROM node:22\nRUN npm ci\n",
    ],
    "GemPinVersions": [
        "FROM ruby:3\nRUN gem install rails:7.1\n",
        "FROM ruby:3\nRUN gem install rails -v 7.1\n",
        "FROM ruby:3\nRUN gem install rails --version=7.1\n",
        "FROM ruby:3\nRUN gem update --system\n",
    ],
    "GoInstallPinVersions": [
        "FROM golang:1.22\nRUN go install github.com/x/tool@v1.2.3\n",
        "FROM golang:1.22\nRUN go install ./cmd/...\n",
        "FROM golang:1.22\nRUN go install .\n",
        "FROM golang:1.22\nRUN go run main.go --flag\n",
        "FROM golang:1.22\nRUN go build -o /app .\n",
    ],
    "YarnCacheClean": [
        "FROM node:22\nRUN yarn install --frozen-lockfile && yarn cache clean\n",
        "FROM node:22\nRUN --mount=type=cache,target=/usr/local/share/.cache/yarn yarn install\n",
        "FROM node:22 AS build\nRUN yarn install\nFROM nginx:1\nCOPY --from=build /app/dist /usr/share/nginx/html\n",
    ],
    "YumMissingYes": [
        "FROM centos:7\nRUN yum install -y httpd-2.4.6 && yum clean all\n",
        "FROM centos:7\nRUN yum --assumeyes install httpd-2.4.6 && yum clean all\n",
        "FROM centos:7\nRUN yum clean all\n",
    ],
    "DnfMissingYes": [
        "FROM fedora:40\nRUN dnf -y install nginx-1.2 && dnf clean all\n",
        "FROM fedora:40\nRUN dnf install --assumeyes nginx-1.2 && dnf clean all\n",
        # microdnf never prompts (issue 12, item 5)
        "FROM ubi9\nRUN microdnf install nginx-1.2 && microdnf clean all\n",
    ],
    "ZypperMissingNonInteractive": [
        "FROM opensuse/leap:15\nRUN zypper -n install curl=8 && zypper clean\n",
        "FROM opensuse/leap:15\nRUN zypper --non-interactive in curl=8 && zypper clean\n",
        "FROM opensuse/leap:15\nRUN zypper install -y curl=8 && zypper clean\n",
        "FROM opensuse/leap:15\nRUN zypper refresh\n",
    ],
    "YumClean": [
        "FROM centos:7\nRUN yum install -y httpd-2.4.6 && yum clean all\n",
        "FROM centos:7\nRUN yum install -y httpd-2.4.6 && rm -rf /var/cache/yum/*\n",
        "FROM centos:7\nRUN --mount=type=cache,target=/var/cache/yum yum install -y httpd-2.4.6\n",
    ],
    "DnfClean": [
        "FROM fedora:40\nRUN dnf install -y nginx-1.2 && dnf clean all\n",
        "FROM fedora:40\nRUN dnf install -y nginx-1.2 && rm -rf /var/cache/libdnf5*\n",
        "FROM fedora:40\nRUN --mount=type=cache,target=/var/cache/libdnf5 dnf install -y nginx-1.2\n",
        "FROM ubi9\nRUN microdnf install -y nginx-1.2 && microdnf clean all\n",
    ],
    "ZypperClean": [
        "FROM opensuse/leap:15\nRUN zypper -n install curl=8 && zypper clean -a\n",
        "FROM opensuse/leap:15\nRUN zypper -n in curl=8 && zypper cc\n",
        "FROM opensuse/leap:15\nRUN --mount=type=cache,target=/var/cache/zypp zypper -n install curl=8\n",
    ],
    "YumPinVersions": [
        "FROM centos:7\nRUN yum install -y httpd-2.4.6-99.el7 ./local.rpm $PKG && yum clean all\n",
        "FROM centos:8\nRUN yum module install -y nodejs:18 && yum clean all\n",
    ],
    "DnfPinVersions": [
        "FROM fedora:40\nRUN dnf install -y nginx-1.24.0 && dnf clean all\n",
        "FROM fedora:40\nRUN dnf group install -y 'Development Tools' && dnf clean all\n",
    ],
    "ZypperPinVersions": ["FROM opensuse/leap:15\nRUN zypper -n install curl=8 'vim>=9' x.rpm && zypper clean\n"],
    "ZypperDistUpgrade": ["FROM opensuse/leap:15\nRUN zypper -n update\n"],
    "CdInsteadOfWorkdir": [
        "FROM alpine:3\nWORKDIR /app\nRUN make\n",
        "FROM alpine:3\nRUN (cd /src && make) && make -C /other\n",
        "FROM alpine:3\nRUN sh -c 'cd /src && make'\n",
        "FROM alpine:3\nRUN x=$(cd /src && pwd) && echo $x\n",
        # a directory made at run time (issue 12, item 5)
        'FROM alpine:3\nRUN cd "$(mktemp -d)" && curl -fsSLO https://x/y.tgz && tar xzf y.tgz\n',
        'FROM alpine:3\nRUN tempDir="$(mktemp -d)"; cd "$tempDir" && make\n',
    ],
    "SudoInRun": ["FROM alpine:3\nUSER root\nRUN make install\n"],
    "CommandPointlessInBuild": [
        "FROM debian:12\nRUN apt-get install -y procps=1 vim=2\n",
        "FROM debian:12\nRUN command -v ps\n",
    ],
    "ShellReplacedWithLn": ["FROM debian:12\nRUN ln -s /usr/bin/python3 /usr/bin/python\n"],
    "WgetAndCurl": [
        "FROM debian:12\nRUN curl -o a https://a\nRUN curl -o b https://b\n",
        "FROM debian:12 AS a\nRUN wget -q https://a\nFROM debian:12\nRUN curl -o b https://b\n",
    ],
    "WgetProgressBar": [
        "FROM debian:12\nRUN wget -q https://x\n",
        "FROM debian:12\nRUN wget -nv https://x\n",
        "FROM debian:12\nRUN wget --progress=dot:giga https://x\n",
        "FROM debian:12\nRUN wget -qO- https://x\n",
        "FROM debian:12\nRUN wget --no-verbose -o log https://x\n",
    ],
    "UseraddWithoutNoLogInit": [
        "FROM debian:12\nRUN useradd -l -u 1000000 app\n",
        "FROM debian:12\nRUN useradd --no-log-init -u 1000000 app\n",
        "FROM debian:12\nRUN useradd -u 1000 app\n",
        "FROM debian:12\nRUN useradd -u $APP_UID app\n",
        "FROM debian:12\nRUN useradd app\n",
    ],
    "PipefailMissing": [
        'FROM debian:12\nSHELL ["/bin/bash", "-o", "pipefail", "-c"]\nRUN curl -fsSL https://x | tar -xz\n',
        'FROM debian:12\nSHELL ["/bin/bash", "-eo", "pipefail", "-c"]\nRUN curl -fsSL https://x | tar -xz\n',
        'FROM debian:12 AS base\nSHELL ["/bin/bash", "-o", "pipefail", "-c"]\nFROM base\nRUN a | b\n',
        "FROM debian:12\nRUN set -euo pipefail; curl -fsSL https://x | tar -xz\n",
        # the left side cannot fail (issue 12, item 5)
        'FROM debian:12\nRUN echo "$SHA256  node.tar.xz" | sha256sum -c -\n',
        "FROM debian:12\nRUN printf '%s\\n' a b | sort\n",
        "FROM debian:12\nRUN a || b\n",
        "FROM debian:12\nRUN echo 'a | b' \"c|d\" # e | f\n",
        "FROM debian:12\nRUN case $x in a|b) echo yes;; esac\n",
        'FROM mcr.microsoft.com/windows/servercore:ltsc2022\nSHELL ["powershell", "-Command"]\nRUN a | b\n',
        'FROM debian:12\nRUN ["/bin/bash", "-o", "pipefail", "-c", "a | b"]\n',
    ],
    "ConsecutiveRunInstructions": [
        "FROM debian:12\nRUN echo a && echo b\nRUN echo c\n",
        "FROM debian:12\nRUN echo a\nWORKDIR /x\nRUN echo b\n",
        "FROM debian:12\nRUN --mount=type=secret,id=a cat /run/secrets/a\nRUN echo b\n",
        "FROM debian:12\nRUN sudo make install\nRUN echo b; echo c\n",
    ],
    "ImageTagLatest": [
        "FROM alpine:3.20\n",
        "FROM alpine:latest@sha256:" + "a" * 64 + "\n",
        "FROM $BASE\n",
    ],
    "ImageUntagged": [
        "FROM alpine:3.20\n",
        "FROM scratch\n",
        "FROM alpine@sha256:" + "a" * 64 + "\n",
        "FROM ${BASE}\n",
        "FROM golang:1.22 AS build\nFROM build\n",
        "ARG V=1\nFROM app-${V}\n",
    ],
    "AddForLocalFiles": [
        "FROM alpine:3\nADD https://example.com/a.tar.gz /opt/\n",
        "FROM alpine:3\nADD vendor.tar.gz /opt/\n",
        "FROM alpine:3\nADD git@github.com:x/y.git /src\n",
        "FROM alpine:3\nADD $SOURCE /opt/\n",
        "FROM alpine:3\nCOPY app.py /app/\n",
    ],
    "CopyFromUnknownStage": [
        "FROM alpine:3 AS build\nFROM alpine:3\nCOPY --from=build /out /out\n",
        "FROM alpine:3 AS Build\nFROM alpine:3\nCOPY --from=build /out /out\n",
        "FROM alpine:3\nFROM alpine:3\nCOPY --from=0 /out /out\n",
        "FROM alpine:3\nCOPY --from=nginx:1.27 /etc/nginx /etc/nginx\n",
        "FROM alpine:3\nCOPY --from=ghcr.io/x/y@sha256:" + "a" * 64 + " /a /a\n",
        # a later stage: ForwardStageReference reports it
        "FROM alpine:3\nCOPY --from=later /x /x\nFROM alpine:3 AS later\n",
    ],
    "CopyRelativeWithoutWorkdir": [
        "FROM node:22\nWORKDIR /app\nCOPY package.json .\n",
        "FROM node:22 AS base\nWORKDIR /app\nFROM base\nCOPY package.json .\n",
        # inherited through two levels (issue 12, item 3); FROM scratch works in / (item 5)
        "FROM node:22 AS a\nWORKDIR /app\nFROM a AS b\nRUN true\nFROM b\nCOPY package.json .\n",
        "FROM scratch\nCOPY app app\n",
        "FROM node:22\nCOPY package.json /app/\n",
        'FROM node:22\nCOPY ["package.json", "/app/"]\n',
        "FROM node:22\nCOPY package.json $APP_HOME/\n",
        "FROM mcr.microsoft.com/windows/servercore:ltsc2022\nCOPY app C:/app\n",
        "FROM node:22\nADD package.json .\n",
    ],
    "CopyEntireFilesystem": [
        "FROM alpine:3 AS a\nFROM scratch\nCOPY --from=a /out /\n",
        "FROM alpine:3\nCOPY / /\n",
        # a root filesystem assembled FROM scratch, or copied from a stage built FROM scratch
        "FROM alpine:3 AS a\nFROM scratch\nCOPY --from=a / /\n",
        "FROM scratch AS rootfs\nCOPY out/ /\nFROM debian:12\nCOPY --from=rootfs / /\n",
    ],
    "CopyThenExtractArchive": [
        "FROM alpine:3\nADD app.tar.gz /opt/\n",
        "FROM alpine:3\nCOPY app.tar.gz /tmp/\nRUN ls /tmp\n",
        "FROM alpine:3 AS a\nCOPY app.tar.gz /tmp/\nFROM alpine:3\nRUN tar -xzf /tmp/app.tar.gz\n",
    ],
    "FromPlatformFlag": [
        "FROM --platform=$BUILDPLATFORM golang:1.22\n",
        "FROM --platform=${TARGETPLATFORM:-linux/amd64} debian:12\n",
    ],
    "LastUserRoot": [
        "FROM alpine:3\nUSER root\nRUN make\nUSER app\n",
        "FROM alpine:3\nUSER $APP_USER\n",
    ],
    "UserNotNumeric": [
        "FROM node:22\nUSER 1000\n",
        "FROM node:22\nUSER 1000:1000\n",
        "FROM node:22\nARG UID=1000\nUSER ${UID}\n",
        # Windows users have names (issue 12, item 5)
        "FROM mcr.microsoft.com/windows/servercore:ltsc2022\nUSER ContainerUser\n",
        "FROM mcr.microsoft.com/dotnet/aspnet:8.0-nanoserver-ltsc2022 AS base\nFROM base\nUSER ContainerAdministrator\n",
        'FROM example/app:1\nSHELL ["powershell", "-Command"]\nUSER ContainerUser\n',
    ],
    "InvalidLabelKey": [
        'FROM alpine:3\nLABEL org.opencontainers.image.source="x" version=1 my-key/sub_part=2\n',
        "FROM alpine:3\nLABEL $KEY=1\n",
    ],
    "EnvSameInstructionReference": [
        "FROM alpine:3\nENV PATH=/opt/bin:$PATH\n",
        "FROM alpine:3\nENV JAVA_HOME=/opt/java\nENV PATH=$JAVA_HOME/bin:$PATH\n",
        "FROM alpine:3\nARG A=0\nENV A=1 B=$A\n",
        "FROM alpine:3\nENV A=1 B=$AB\n",
    ],
}

# rule -> (Dockerfile, the text after applying the finding's fix, whether the fix is safe)
FIXES: dict[str, list[tuple[str, str, bool]]] = {
    "AptGetMissingYes": [
        ("FROM debian:12\nRUN apt-get install curl=1\n", "FROM debian:12\nRUN apt-get install -y curl=1\n", True),
        ('FROM debian:12\nRUN ["apt-get", "install", "curl=1"]\n',
         'FROM debian:12\nRUN ["apt-get", "install", "-y", "curl=1"]\n', True),
        ("FROM debian:12\nRUN apt-get update \\\n && apt-get install \\\n   curl=1\n",
         "FROM debian:12\nRUN apt-get update \\\n && apt-get install -y \\\n   curl=1\n", True),
    ],
    "AptNoInstallRecommends": [
        ("FROM debian:12\nRUN apt-get install -y curl=1\n",
         "FROM debian:12\nRUN apt-get install --no-install-recommends -y curl=1\n", False),
    ],
    "AptListsNotCleaned": [
        ("FROM debian:12\nRUN apt-get update && \\\n    apt-get install -y x=1\n",
         "FROM debian:12\nRUN apt-get update && \\\n    apt-get install -y x=1 && rm -rf /var/lib/apt/lists/*\n",
         False),
    ],
    "AptUseAptGet": [
        ("FROM debian:12\nRUN apt install -y curl=1\n", "FROM debian:12\nRUN apt-get install -y curl=1\n", False),
        ("FROM debian:12\nRUN apt full-upgrade -y\n", "FROM debian:12\nRUN apt-get dist-upgrade -y\n", False),
        ("FROM debian:12\nRUN apt search curl\n", "FROM debian:12\nRUN apt-cache search curl\n", False),
    ],
    "ApkNoCache": [
        ("FROM alpine:3\nRUN apk add curl=8.0\n", "FROM alpine:3\nRUN apk add --no-cache curl=8.0\n", True),
    ],
    "PipNoCacheDir": [
        ("FROM python:3.12\nRUN pip install -r r.txt\n", "FROM python:3.12\nRUN pip install --no-cache-dir -r r.txt\n",
         True),
        ("FROM python:3.12\nRUN python -m pip install -r r.txt\n",
         "FROM python:3.12\nRUN python -m pip install --no-cache-dir -r r.txt\n", True),
    ],
    "YarnCacheClean": [
        ("FROM node:22\nRUN yarn install\n", "FROM node:22\nRUN yarn install && yarn cache clean\n", False),
    ],
    "YumMissingYes": [
        ("FROM centos:7\nRUN yum install httpd-2.4.6 && yum clean all\n",
         "FROM centos:7\nRUN yum install -y httpd-2.4.6 && yum clean all\n", True),
    ],
    "DnfMissingYes": [
        ("FROM fedora:40\nRUN dnf install nginx-1.2 && dnf clean all\n",
         "FROM fedora:40\nRUN dnf install -y nginx-1.2 && dnf clean all\n", True),
    ],
    "ZypperMissingNonInteractive": [
        ("FROM opensuse/leap:15\nRUN zypper install curl=8 && zypper clean\n",
         "FROM opensuse/leap:15\nRUN zypper -n install curl=8 && zypper clean\n", True),
    ],
    "YumClean": [
        ("FROM centos:7\nRUN yum install -y httpd-2.4.6\n",
         "FROM centos:7\nRUN yum install -y httpd-2.4.6 && yum clean all\n", False),
    ],
    "DnfClean": [
        ("FROM ubi9\nRUN microdnf install -y nginx-1.2\n",
         "FROM ubi9\nRUN microdnf install -y nginx-1.2 && microdnf clean all\n", False),
    ],
    "ZypperClean": [
        ("FROM opensuse/leap:15\nRUN zypper -n install curl=8\n",
         "FROM opensuse/leap:15\nRUN zypper -n install curl=8 && zypper clean\n", False),
    ],
    "WgetProgressBar": [
        ("FROM debian:12\nRUN wget https://x/a.tgz\n", "FROM debian:12\nRUN wget --progress=dot:giga https://x/a.tgz\n",
         False),
    ],
    "UseraddWithoutNoLogInit": [
        ("FROM debian:12\nRUN useradd -u 1000000 app\n", "FROM debian:12\nRUN useradd -l -u 1000000 app\n", True),
    ],
    "AddForLocalFiles": [
        ("FROM alpine:3\nADD --chown=app app.py /app/\n", "FROM alpine:3\nCOPY --chown=app app.py /app/\n", True),
        ("FROM alpine:3\nadd app.py /app/\n", "FROM alpine:3\ncopy app.py /app/\n", True),
    ],
}


def _cases(table: dict) -> list:
    return [pytest.param(name, *case, id=f"{name}-{index}")
            for name, cases in table.items() for index, case in enumerate(cases)]


def _covered(text: str, rule: str) -> list[str]:
    return [text[f.start:f.end] for f in findings(text, rule)]


@pytest.mark.parametrize("rule,text,expected", _cases(POSITIVE))
def test_rule_fires(rule: str, text: str, expected: list[str]) -> None:
    assert _covered(text, rule) == expected


@pytest.mark.parametrize("rule,text", [pytest.param(name, text, id=f"{name}-{index}")
                                       for name, texts in NEGATIVE.items() for index, text in enumerate(texts)])
def test_rule_stays_silent(rule: str, text: str) -> None:
    assert _covered(text, rule) == []


@pytest.mark.parametrize("rule,text,fixed,safe", _cases(FIXES))
def test_fix(rule: str, text: str, fixed: str, safe: bool) -> None:
    found = findings(text, rule)
    assert len(found) == 1
    fix = found[0].fix
    assert fix is not None and fix.safe is safe
    result = apply_fix(text, found[0])
    assert result == fixed
    assert findings(result, rule) == []


# Rules that need a .hadolint.yaml or are off by default: tests/test_rules_project_config.py
TESTED_WITH_PROJECT_CONFIG = {
    "RegistryNotTrusted", "HealthcheckMissing", "InlineIgnorePragma", "HadolintConfigInvalid", "LabelMissing",
    "LabelNotInSchema", "LabelEmpty", "LabelNotUrl", "LabelNotRfc3339", "LabelNotSpdx", "LabelNotGitHash",
    "LabelNotSemver", "LabelNotEmail",
}


def test_every_practice_rule_is_tested() -> None:
    """Each rule of this module has a positive and a negative case."""
    ours = {name for name, entry in RULES.items()
            if entry.family == "practice" and ".practice" in entry.check.__module__
            and name not in TESTED_WITH_PROJECT_CONFIG}
    assert ours == set(POSITIVE) == set(NEGATIVE)
    assert len(ours) >= 25
    fixable = {name for name in ours if RULES[name].fixable}
    assert fixable == set(FIXES)


def test_aliases_resolve_to_the_rules() -> None:
    assert canonical("DL3008") == "AptPinVersions"
    assert canonical("dl4006") == "PipefailMissing"
    assert canonical("DL3059") == "ConsecutiveRunInstructions"


def test_no_fix_where_appending_is_unsafe() -> None:
    """A script that ends after `;`, inside `fi`, or in a heredoc gets no appended clean-up."""
    for text in ("FROM debian:12\nRUN apt-get update;\n",
                 "FROM debian:12\nRUN if true; then apt-get update; fi\n",
                 "FROM debian:12\nRUN <<EOF\napt-get update\nEOF\n",
                 "FROM debian:12\nRUN apt-get update # refresh\n"):
        found = findings(text, "AptListsNotCleaned")
        assert len(found) == 1 and found[0].fix is None, text


def test_add_fix_is_withheld_when_a_source_may_be_an_archive() -> None:
    found = findings("FROM alpine:3\nADD vendor.tar.gz config.yml /opt/\n", "AddForLocalFiles")
    assert len(found) == 1 and found[0].fix is None
    found = findings("FROM alpine:3\nADD --checksum=sha256:abc app.py /app/\n", "AddForLocalFiles")
    assert len(found) == 1 and found[0].fix is None


def test_onbuild_triggers_are_checked() -> None:
    text = "FROM debian:12\nONBUILD RUN apt-get install curl=1\n"
    assert _covered(text, "AptGetMissingYes") == ["install"]
    assert lines_of(text, findings(text, "AptGetMissingYes")) == [2]


def test_wrapped_commands_are_seen() -> None:
    """hadolint sees only `sudo`/`xargs`; the shell layer sees the command they run."""
    text = "FROM debian:12\nRUN sudo apt-get install -y --no-install-recommends curl\n"
    assert _covered(text, "AptPinVersions") == ["curl"]
    text = "FROM python:3.12\nRUN sh -c 'pip install -r r.txt'\n"
    assert _covered(text, "PipNoCacheDir") == ["install"]


def test_powershell_runs_are_not_read_as_sh() -> None:
    text = ('FROM mcr.microsoft.com/windows/servercore:ltsc2022\nSHELL ["powershell", "-Command"]\n'
            "RUN cd C:/x; apt-get install foo | out-null\nRUN echo a\n")
    assert findings(text, "CdInsteadOfWorkdir") == []
    assert findings(text, "AptGetMissingYes") == []
    assert findings(text, "ConsecutiveRunInstructions") == []


def test_consecutive_runs_reset_by_onbuild() -> None:
    text = "FROM debian:12\nRUN echo a\nONBUILD RUN echo b\nRUN echo c\n"
    assert findings(text, "ConsecutiveRunInstructions") == []


# -- suppression: hadolint's pragmas and settings address the rules by their DL codes ----------


@pytest.mark.parametrize("code,rule,text", [
    ("DL3008", "AptPinVersions", "FROM debian:12\n# hadolint ignore=DL3008\nRUN apt-get install -y curl\n"),
    ("DL4006", "PipefailMissing", "FROM debian:12\n# hadolint ignore=DL4006,DL3047\nRUN wget -q -O- https://x | sh\n"),
    ("DL3003", "CdInsteadOfWorkdir", "FROM debian:12\n# a comment\n# hadolint ignore=DL3003\nRUN cd /x && make\n"),
    ("DL3007", "ImageTagLatest", "# hadolint ignore=DL3007\nFROM alpine:latest\n"),
])
def test_hadolint_pragma_suppresses(code: str, rule: str, text: str) -> None:
    assert findings(text, rule) == []
    unsuppressed = text.replace(f"hadolint ignore={code}", "nothing here")
    assert len(findings(unsuppressed, rule)) == 1


def test_pragma_applies_to_the_next_instruction_only() -> None:
    text = "FROM debian:12\n# hadolint ignore=DL3003\nRUN cd /x && make\nRUN cd /y && make\n"
    assert lines_of(text, findings(text, "CdInsteadOfWorkdir")) == [4]


def test_global_pragma_and_settings_by_code() -> None:
    text = "# hadolint global ignore=DL3059\nFROM debian:12\nRUN echo a\nRUN echo b\n"
    assert findings(text, "ConsecutiveRunInstructions") == []
    text = "FROM debian:12\nRUN echo a\nRUN echo b\n"
    off = RuleConfig(severity={"DL3059": "off"})
    assert findings(text, "ConsecutiveRunInstructions", config=off) == []
    louder = RuleConfig(severity={"DL3059": "warning"})
    assert [f.severity for f in findings(text, "ConsecutiveRunInstructions", config=louder)] == ["warning"]


def test_default_severities() -> None:
    text = "FROM debian:12\nRUN apt-get update && apt-get install -y --no-install-recommends curl\n"
    by_rule = {f.rule: f.severity for f in findings(text)}
    assert by_rule["AptPinVersions"] == "hint"
    assert by_rule["AptListsNotCleaned"] == "information"
    assert all(RULES[name].severity != "error" for name in POSITIVE)
