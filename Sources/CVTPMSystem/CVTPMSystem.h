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
#include <unistd.h>

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

// MARK: - Xen stand-ins: descriptor passing, page-sized shared memory, atomics on shared pages

#include <errno.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/uio.h>
#include <fcntl.h>
#include <poll.h>

// Declared here as well: a module built from system headers without _GNU_SOURCE may lack them.
#ifndef MFD_CLOEXEC
#define MFD_CLOEXEC 1U
#endif
#ifndef MSG_CMSG_CLOEXEC
#define MSG_CMSG_CLOEXEC 0x40000000
#endif
#ifndef MFD_ALLOW_SEALING
#define MFD_ALLOW_SEALING 2U
#endif
#ifndef F_ADD_SEALS
#define F_ADD_SEALS 1033
#define F_SEAL_SEAL 0x0001
#define F_SEAL_SHRINK 0x0002
#define F_SEAL_GROW 0x0004
#endif
extern int memfd_create(const char *name, unsigned int flags);

// The most descriptors one hypervisor message carries (a grant map, an event-channel pair).
enum { CVTPM_MAX_PASSED_FDS = 4 };

// sendmsg(2) of `length` bytes with `count` descriptors as SCM_RIGHTS ancillary data (count may be 0).
// The CMSG_* macros have no Swift form, hence this wrapper.
static inline ssize_t cvtpm_send_with_fds(int socket, const void *bytes, size_t length, const int *fds, int count) {
    if (count < 0 || count > CVTPM_MAX_PASSED_FDS) { errno = EINVAL; return -1; }
    struct iovec vector = { .iov_base = (void *)bytes, .iov_len = length };
    union { struct cmsghdr header; char space[CMSG_SPACE(sizeof(int) * CVTPM_MAX_PASSED_FDS)]; } control;
    memset(&control, 0, sizeof(control));
    struct msghdr message = { .msg_iov = &vector, .msg_iovlen = 1 };
    if (count > 0) {
        message.msg_control = control.space;
        message.msg_controllen = CMSG_SPACE(sizeof(int) * count);
        struct cmsghdr *header = CMSG_FIRSTHDR(&message);
        header->cmsg_level = SOL_SOCKET;
        header->cmsg_type = SCM_RIGHTS;
        header->cmsg_len = CMSG_LEN(sizeof(int) * count);
        memcpy(CMSG_DATA(header), fds, sizeof(int) * count);
    }
    return sendmsg(socket, &message, MSG_NOSIGNAL);
}

// recvmsg(2) into `bytes`; received descriptors (close-on-exec) go to `fds`, their number to `*count`.
// Descriptors beyond `capacity` are closed so none leaks.
static inline ssize_t cvtpm_receive_with_fds(int socket, void *bytes, size_t length, int *fds, int capacity,
                                             int *count) {
    struct iovec vector = { .iov_base = bytes, .iov_len = length };
    union { struct cmsghdr header; char space[CMSG_SPACE(sizeof(int) * CVTPM_MAX_PASSED_FDS)]; } control;
    struct msghdr message = { .msg_iov = &vector, .msg_iovlen = 1, .msg_control = control.space,
                              .msg_controllen = sizeof(control.space) };
    *count = 0;
    ssize_t received = recvmsg(socket, &message, MSG_CMSG_CLOEXEC);
    if (received < 0) return received;
    for (struct cmsghdr *header = CMSG_FIRSTHDR(&message); header; header = CMSG_NXTHDR(&message, header)) {
        if (header->cmsg_level != SOL_SOCKET || header->cmsg_type != SCM_RIGHTS) continue;
        int carried = (int)((header->cmsg_len - CMSG_LEN(0)) / sizeof(int));
        int *data = (int *)CMSG_DATA(header);
        for (int i = 0; i < carried; i++) {
            if (*count < capacity) fds[(*count)++] = data[i]; else close(data[i]);
        }
    }
    return received;
}

// accept4(2) for a blocking, close-on-exec connection.
static inline int cvtpm_accept_blocking(int listener) {
    return accept4(listener, 0, 0, SOCK_CLOEXEC);
}

// A close-on-exec memfd of `size` bytes: one frame of a domain's memory. Its size is sealed: a guest holding a
// descriptor must not be able to shrink the file under another process's mapping (which would raise SIGBUS
// there on the next access).
extern int pipe2(int fds[2], int flags);

static inline int cvtpm_memfd(const char *name, size_t size) {
    int fd = memfd_create(name, MFD_CLOEXEC | MFD_ALLOW_SEALING);
    if (fd < 0) return -1;
    if (ftruncate(fd, (off_t)size) != 0 || fcntl(fd, F_ADD_SEALS, F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_SEAL) != 0) {
        int saved = errno; close(fd); errno = saved; return -1;
    }
    return fd;
}

// mmap(2) of a shared page; returns NULL (not MAP_FAILED) on failure, errno set.
static inline void *cvtpm_map_shared(int fd, size_t size, int writable) {
    void *address = mmap(0, size, PROT_READ | (writable ? PROT_WRITE : 0), MAP_SHARED, fd, 0);
    return address == MAP_FAILED ? 0 : address;
}

// A non-blocking, close-on-exec eventfd for wake-ups within one process.
static inline int cvtpm_channel_eventfd(void) {
    return eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
}

// A close-on-exec pipe whose write end is non-blocking (a full pipe means a wake-up is pending already) and
// whose read end blocks: one direction of an event channel. fds[0] reads, fds[1] writes.
static inline int cvtpm_channel_pipe(int fds[2]) {
    if (pipe2(fds, O_CLOEXEC) != 0) return -1;
    int flags = fcntl(fds[1], F_GETFL);
    if (flags < 0 || fcntl(fds[1], F_SETFL, flags | O_NONBLOCK) != 0) {
        int saved = errno; close(fds[0]); close(fds[1]); errno = saved; return -1;
    }
    return 0;
}

// Waits until `first` or `second` (-1: none) is readable, or `timeout_ms` passes (-1: forever). Returns a bit
// mask (1: first, 2: second), 0 on timeout, -1 on error.
static inline int cvtpm_wait_readable(int first, int second, int timeout_ms) {
    struct pollfd fds[2] = { { .fd = first, .events = POLLIN }, { .fd = second, .events = POLLIN } };
    int ready = poll(fds, second >= 0 ? 2 : 1, timeout_ms);
    if (ready <= 0) return ready;
    return ((fds[0].revents & (POLLIN | POLLERR | POLLHUP)) ? 1 : 0) |
           ((second >= 0 && (fds[1].revents & (POLLIN | POLLERR | POLLHUP))) ? 2 : 0);
}

// Sequentially consistent accesses to 16- and 32-bit words that another process may change at the same time
// (grant-table flags, ring sizes): the C11 builtins, since Swift's atomics cannot be placed on foreign memory.
static inline uint16_t cvtpm_atomic_load16(const volatile uint16_t *word) {
    return __atomic_load_n(word, __ATOMIC_SEQ_CST);
}
static inline void cvtpm_atomic_store16(volatile uint16_t *word, uint16_t value) {
    __atomic_store_n(word, value, __ATOMIC_SEQ_CST);
}
static inline int cvtpm_atomic_cas16(volatile uint16_t *word, uint16_t expected, uint16_t desired) {
    return __atomic_compare_exchange_n(word, &expected, desired, 0, __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST);
}

#endif
