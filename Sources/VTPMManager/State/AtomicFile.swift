// SPDX-License-Identifier: Apache-2.0

import FoundationEssentials
import SystemPackage

#if canImport(Glibc)
import Glibc
#endif

/// Durable whole-file replacement: write a temporary file beside the target, fsync it, rename it over the
/// target, fsync the directory. A crash at any point leaves the old file or the new one, complete.
public enum AtomicFile {
    /// Replaces `file` with `bytes`, creating `file`'s directory if needed.
    public static func write(_ bytes: [UInt8], to file: FilePath) throws {
        let directory = file.removingLastComponent()
        let temporary = FilePath(file.string + ".tmp")
        try FileManager.default.createDirectory(atPath: directory.string, withIntermediateDirectories: true)
        let fd = try FileDescriptor.open(
            temporary, .writeOnly, options: [.create, .truncate], permissions: [.ownerReadWrite])
        try fd.closeAfter {
            _ = try fd.writeAll(bytes)
            try sync(fd)
        }
        try rename(temporary, to: file)
        let directoryFD = try FileDescriptor.open(directory, .readOnly, options: [.directory])
        try directoryFD.closeAfter { try sync(directoryFD) }
    }

    // fsync(2) and rename(2) are missing from swift-system; both take plain values, no pointers of ours.
    private static func sync(_ fd: FileDescriptor) throws {
        guard fsync(fd.rawValue) == 0 else { throw Errno(rawValue: errno) }
    }

    private static func rename(_ from: FilePath, to: FilePath) throws {
        guard Glibc.rename(from.string, to.string) == 0 else { throw Errno(rawValue: errno) }
    }
}
