// SPDX-License-Identifier: Apache-2.0
//
// What Swift's Glibc module does not offer the transports' event loop: epoll, eventfd and accept4's flags.
// Header-only: every function is a static inline wrapper, so there is nothing to compile or link.

#ifndef CVTPM_SYSTEM_H
#define CVTPM_SYSTEM_H

#include <stdint.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>

// struct epoll_event is packed on x86-64 (its 64-bit data field sits at offset 4), which Swift cannot lay out
// as C does. The loop sees this plain structure instead; the wrappers below convert.
typedef struct {
    uint32_t events;
    uint64_t token;
} cvtpm_event;

// The largest batch cvtpm_epoll_wait returns; the caller's array must hold that many.
enum { CVTPM_EVENT_BATCH = 64 };

enum {
    CVTPM_EPOLLIN = EPOLLIN,
    CVTPM_EPOLLOUT = EPOLLOUT,
    CVTPM_EPOLLERR = EPOLLERR,
    CVTPM_EPOLLHUP = EPOLLHUP,
};

static inline int cvtpm_epoll_create(void) {
    return epoll_create1(EPOLL_CLOEXEC);
}

static inline int cvtpm_epoll_add(int epoll, int fd, uint32_t events, uint64_t token) {
    struct epoll_event event = { .events = events, .data = { .u64 = token } };
    return epoll_ctl(epoll, EPOLL_CTL_ADD, fd, &event);
}

static inline int cvtpm_epoll_modify(int epoll, int fd, uint32_t events, uint64_t token) {
    struct epoll_event event = { .events = events, .data = { .u64 = token } };
    return epoll_ctl(epoll, EPOLL_CTL_MOD, fd, &event);
}

static inline int cvtpm_epoll_remove(int epoll, int fd) {
    struct epoll_event unused = { 0 };
    return epoll_ctl(epoll, EPOLL_CTL_DEL, fd, &unused);
}

// Waits like epoll_wait(2) and copies at most `capacity` (and at most CVTPM_EVENT_BATCH) events to `out`.
static inline int cvtpm_epoll_wait(int epoll, cvtpm_event *out, int capacity, int timeout_ms) {
    struct epoll_event events[CVTPM_EVENT_BATCH];
    if (capacity > CVTPM_EVENT_BATCH) capacity = CVTPM_EVENT_BATCH;
    int count = epoll_wait(epoll, events, capacity, timeout_ms);
    for (int i = 0; i < count; i++) {
        out[i].events = events[i].events;
        out[i].token = events[i].data.u64;
    }
    return count;
}

// A non-blocking, close-on-exec eventfd: the loop's doorbell for shutdown.
static inline int cvtpm_eventfd(void) {
    return eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
}

// accept4(2) for a connection that is non-blocking and close-on-exec from the start (no window in which a
// child process could inherit it); the peer's address is not needed here.
static inline int cvtpm_accept(int listener) {
    return accept4(listener, 0, 0, SOCK_NONBLOCK | SOCK_CLOEXEC);
}

// socket(2) for a non-blocking, close-on-exec stream socket of `family`.
static inline int cvtpm_stream_socket(int family) {
    return socket(family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
}

#endif
