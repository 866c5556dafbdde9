using System.Collections.Concurrent;
using BuildState.Errors;

namespace BuildState.Store;

/// <summary>
/// Group commit: with <see cref="StoreOptions.GroupCommit"/> under <see cref="Durability.Normal"/>,
/// the fsyncs a durable point owes (run end, checkpoint) are not paid on the spot; the files and
/// folders are remembered and <see cref="Flush"/> syncs them all at once, in parallel, so the
/// file system can fold many journal commits into a few. The SDK flushes at the end of every
/// build in every MSBuild node: ten projects finishing along a dependency chain then pay no fsync
/// on the build's critical path. Full ignores it (every commit is durable when it returns).
/// </summary>
public sealed partial class BuildStore
{
    // Sets as dictionaries of string to itself: instantiations over reference types only run the
    // framework's precompiled code, where <string, byte> would be JIT-compiled in every MSBuild node.
    private readonly ConcurrentDictionary<string, string> _owedFiles = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, string> _owedDirectories = new(StringComparer.Ordinal);

    private bool Deferring => Options.GroupCommit && Options.Durability == Durability.Normal;

    /// <summary>
    /// Whether a write at a durable point fsyncs <paramref name="path"/> (and, for atomic writes, its
    /// folder) now. False under None; under group commit the file and its folder are owed to Flush.
    /// </summary>
    private bool SyncNow(string path) => SyncOrOwe(path, isDirectory: false);

    /// <summary>Like <see cref="SyncNow"/> for a file appended to in place: its folder is not owed (no rename happened).</summary>
    private bool SyncAppendNow(string path) => SyncOrOwe(path, isDirectory: false, renamed: false);

    /// <summary>Whether a new entry in <paramref name="directory"/> is fsynced now (else owed to Flush, or never under None).</summary>
    private bool SyncDirectoryNow(string directory) => SyncOrOwe(directory, isDirectory: true);

    private bool SyncOrOwe(string path, bool isDirectory, bool renamed = true)
    {
        if (Options.Durability == Durability.None)
        {
            return false;
        }

        if (!Deferring)
        {
            return true;
        }

        if (isDirectory)
        {
            _owedDirectories.TryAdd(path, path);
        }
        else
        {
            _owedFiles.TryAdd(path, path);
            if (renamed && Path.GetDirectoryName(path) is { } dir)
            {
                _owedDirectories.TryAdd(dir, dir);
            }
        }

        return false;
    }

    /// <summary>
    /// Pays the fsyncs deferred by group commit: every owed file, then every owed folder. After it
    /// returns, everything committed before the call is as durable as Normal promises. A failed
    /// fsync throws and is not retried (see docs/store-format.md, "Durability"). Without group commit
    /// there is nothing owed and this returns at once.
    /// </summary>
    public void Flush()
    {
        var files = Drain(_owedFiles);
        var directories = Drain(_owedDirectories);
        SyncAll(files, _fs.FileExists, _fs.SyncFile);
        SyncAll(directories, _fs.DirectoryExists, _fs.SyncDirectory);
    }

    private static List<string> Drain(ConcurrentDictionary<string, string> owed)
    {
        var paths = new List<string>();
        foreach (var path in owed.Keys)
        {
            if (owed.TryRemove(path, out _))
            {
                paths.Add(path);
            }
        }

        return paths;
    }

    private static void SyncAll(List<string> paths, Func<string, bool> exists, Action<string> sync)
    {
        // Up to 8 fsyncs at once (the disk merges them), on plain tasks: Parallel.ForEach's generic
        // code is JIT-compiled in each MSBuild node, which costs more than the group commit saves.
        var failures = new ConcurrentQueue<BuildStateException>();
        var next = -1;
        void Worker()
        {
            for (var i = Interlocked.Increment(ref next); i < paths.Count; i = Interlocked.Increment(ref next))
            {
                SyncOne(paths[i]);
            }
        }

        var helpers = new Task[Math.Min(paths.Count, 8) - 1 is var n and > 0 ? n : 0];
        for (var i = 0; i < helpers.Length; i++)
        {
            helpers[i] = Task.Run(Worker);
        }

        Worker();
        Task.WaitAll(helpers);

        void SyncOne(string path)
        {
            try
            {
                if (exists(path))
                {
                    sync(path);
                }
            }
            catch (BuildStateException e) when (e.Kind == StoreErrorKind.NotFound)
            {
                // Deleted since (a rotated checkpoint): nothing left to make durable.
            }
            catch (BuildStateException e)
            {
                failures.Enqueue(e);
            }
        }

        if (failures.TryDequeue(out var first))
        {
            throw first;
        }
    }
}
