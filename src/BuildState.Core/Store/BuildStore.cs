using BuildState.Errors;
using BuildState.IO;
using BuildState.Lifecycle;
using BuildState.Locking;
using BuildState.Model;

namespace BuildState.Store;

/// <summary>
/// The embedded JSON state store under one root folder (normally <c>.buildstate/</c> at the
/// repository root). Safe for many threads and many processes at once: every change of a build
/// happens under that build's lock and is appended to its history (the commit point, which holds
/// the whole new state); <c>current_state.json</c> is a snapshot of that log, rewritten at durable
/// points and every few changes, and the index a rebuildable cache. The layout, lock order and
/// guarantees are documented in docs/store-format.md.
/// </summary>
public sealed partial class BuildStore
{
    private readonly IFileSystem _fs;

    private BuildStore(string root, StoreOptions options)
    {
        Options = options;
        Layout = new StoreLayout(root);
        _fs = options.FileSystem;
        Locks = new LockManager(options.LockProvider, options.LockTimeout);
        RepositoryRoot = Path.GetFullPath(options.RepositoryRoot ?? Path.GetDirectoryName(Layout.Root) ?? Layout.Root);
    }

    /// <summary>Opens the store at <paramref name="root"/>. Nothing is created until the first write.</summary>
    public static BuildStore Open(string root, StoreOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(root);
        return new BuildStore(root, options?.Clone() ?? new StoreOptions());
    }

    public StoreOptions Options { get; }

    public StoreLayout Layout { get; }

    public LockManager Locks { get; }

    /// <summary>Artifact paths inside this folder are stored relative to it.</summary>
    public string RepositoryRoot { get; }

    public LifecycleRegistry Lifecycles => Options.Lifecycles;

    /// <summary>True when the store folder exists.</summary>
    public bool Exists => _fs.DirectoryExists(Layout.Root);

    private DateTimeOffset Now => Options.Clock();

    /// <summary>The build's state, or null when the store has no such build. Never writes.</summary>
    public BuildRecord? TryGet(string buildId)
    {
        var key = BuildKey.For(buildId);
        return ReadForQuery(key, buildId);
    }

    /// <summary>The build's state; a NotFound error when there is none.</summary>
    public BuildRecord Get(string buildId) =>
        TryGet(buildId) ?? throw BuildStateException.NotFound($"no build '{buildId}' in the store", Layout.Root);

    /// <summary>
    /// Resolves a full id, a project's name or any unique part of an id (case-insensitive, see
    /// <see cref="BuildMatcher"/>) to the build id. An unknown or ambiguous part is a NotFound
    /// error; the ambiguous one lists the candidates.
    /// </summary>
    public string ResolveBuildId(string idOrPart)
    {
        var matches = BuildMatcher.Match(List().Select(b => b.Id), idOrPart);
        return matches.Count switch
        {
            1 => matches[0],
            0 => throw BuildStateException.NotFound($"no build matches '{idOrPart}'", Layout.Root),
            _ => throw BuildStateException.NotFound(
                $"'{idOrPart}' matches {matches.Count} builds; be more specific: {string.Join(", ", matches.Order(StringComparer.Ordinal))}", Layout.Root),
        };
    }

    /// <summary>Every whole history record of the build, oldest first.</summary>
    public IReadOnlyList<HistoryEntry> GetHistory(string buildId)
    {
        var key = BuildKey.For(buildId);
        EnsureBuildExists(key, buildId);
        return ScanHistory(key).Entries.Select(e => e.Entry).ToList();
    }

    /// <summary>
    /// The build's state with every transition of its latest run: those the state no longer carries
    /// (<see cref="BuildRecord.EarlierTransitions"/>) are read back from its history records, each of
    /// which holds the newest ones of its time. Where history lacks some (pruned, or damaged), the
    /// list starts after the last one missing and EarlierTransitions still counts the rest.
    /// </summary>
    public BuildRecord GetWithAllTransitions(string buildId)
    {
        var record = Get(buildId);
        if (record.EarlierTransitions is not > 0 || record.Run is not { } run)
        {
            return record;
        }

        // By their place in the run. Only what history holds is kept: a count or an offset from a
        // damaged record sizes nothing, and a negative one places nothing.
        var earlier = record.EarlierTransitions.Value;
        var byPlace = new Dictionary<long, TransitionRecord>();
        foreach (var entry in GetHistory(buildId))
        {
            if (entry.State is not { Run: { } r } state || r.RunId != run.RunId || r.StartedAt != run.StartedAt || state.EarlierTransitions < 0)
            {
                continue; // another run's record
            }

            var offset = state.EarlierTransitions ?? 0;
            for (var i = 0; i < state.Transitions.Count && offset + i < earlier; i++)
            {
                byPlace.TryAdd(offset + i, state.Transitions[i]);
            }
        }

        var first = earlier;
        while (first > 0 && byPlace.ContainsKey(first - 1))
        {
            first--;
        }

        var transitions = new List<TransitionRecord>();
        for (var place = first; place < earlier; place++)
        {
            transitions.Add(byPlace[place]);
        }

        transitions.AddRange(record.Transitions);
        record.Transitions = transitions;
        record.EarlierTransitions = first > 0 ? first : null;
        return record;
    }

    private void EnsureBuildExists(string key, string buildId)
    {
        if (!_fs.DirectoryExists(Layout.BuildDir(key)))
        {
            throw BuildStateException.NotFound($"no build '{buildId}' in the store", Layout.Root);
        }
    }

    /// <summary>Folders of this store already found not to be links (by this object): they are not checked again.</summary>
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, string> _folderNotALink = new(StringComparer.Ordinal);

    /// <summary>
    /// Refuses to work through a symbolic link anywhere between the store root and <paramref name="path"/>.
    /// The path itself is checked every time; a folder above it once per store object (links planted
    /// in a store, e.g. by a checked-out repository, exist before it is opened; one made later by a
    /// process that can write the store could as well have changed the files themselves).
    /// </summary>
    internal void GuardNoLinks(string path)
    {
        var full = Path.GetFullPath(path);
        if (_fs.IsSymbolicLink(full))
        {
            throw LinkRefused(full);
        }

        GuardFoldersAbove(full);
    }

    /// <summary>
    /// True when the build's folder exists: one lstat says whether it does and whether it is a link
    /// (refused, as <see cref="GuardNoLinks"/> refuses any); the folders above it as there.
    /// </summary>
    private bool BuildFolderExists(string buildDir)
    {
        var full = Path.GetFullPath(buildDir);
        switch (_fs.GetPathKind(full))
        {
            case PathKind.SymbolicLink:
                throw LinkRefused(full);
            case PathKind.Directory:
                GuardFoldersAbove(full);
                return true;
            default:
                return false;
        }
    }

    /// <summary>The folders between the store root and <paramref name="full"/> (a full path), each checked once per store object.</summary>
    private void GuardFoldersAbove(string full)
    {
        var current = Path.GetDirectoryName(full);
        while (current is not null && current.Length >= Layout.Root.Length)
        {
            if (_folderNotALink.ContainsKey(current))
            {
                return;
            }

            if (_fs.IsSymbolicLink(current))
            {
                throw string.Equals(current, Layout.Root, StringComparison.Ordinal) ? RootLinkRefused() : LinkRefused(current);
            }

            if (_fs.DirectoryExists(current))
            {
                _folderNotALink.TryAdd(current, current);
            }

            var parent = Path.GetDirectoryName(current);
            if (parent == current)
            {
                break;
            }

            current = parent;
        }
    }

    /// <summary>
    /// The store folder itself is a link. Removing it would cut the repository off from its store, so
    /// the message says where the store really is and how to name that folder instead.
    /// </summary>
    private BuildStateException RootLinkRefused()
    {
        string? target = null;
        try
        {
            target = new DirectoryInfo(Layout.Root).LinkTarget;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Named without its target then.
        }

        return new(
            StoreErrorKind.PermissionDenied,
            $"the store folder is a symbolic link{(target is null ? "" : $" to {target}")}, and the store never follows links: point BuildStateRoot (builds) or --root (buildstate) at the folder it leads to",
            Layout.Root);
    }

    private static BuildStateException LinkRefused(string path) => new(
        StoreErrorKind.PermissionDenied,
        "the store holds a symbolic link; it never follows links inside the store (remove the link)",
        path);
}
