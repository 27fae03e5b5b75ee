// SPDX-License-Identifier: Apache-2.0

#if !FUZZING
import FoundationEssentials

/// Without `-DFUZZING` this target replays inputs (files or directories of files) through the harness,
/// so a corpus and any crash reproducer can be re-run with a normal build.
@main
enum Replay {
    static func main() throws {
        var count = 0
        for argument in CommandLine.arguments.dropFirst() {
            let url = URL(filePath: argument)
            var isDirectory = false
            _ = FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory)
            let files =
                isDirectory
                ? try FileManager.default.contentsOfDirectory(atPath: url.path).sorted().map { url.appending(path: $0) }
                : [url]
            for file in files {
                FuzzTarget.run(Array(try Data(contentsOf: file)))
                count += 1
            }
        }
        print("replayed \(count) inputs")
    }
}
#endif
