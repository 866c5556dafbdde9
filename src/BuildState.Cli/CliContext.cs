using System.CommandLine;
using BuildState.Errors;
using BuildState.Store;
using Spectre.Console;

namespace BuildState.Cli;

/// <summary>One invocation: the parsed options, the output and the store.</summary>
internal sealed class CliContext
{
    private BuildStore? _store;
    private LifecycleSet? _lifecycles;

    public CliContext(CliEnvironment environment, ParseResult parse)
    {
        Environment = environment;
        Parse = parse;
        Json = parse.GetValue(GlobalOptions.Json);
        Verbose = parse.GetValue(GlobalOptions.Verbose);
        UseColor = environment.IsTerminal && string.IsNullOrEmpty(environment.GetVariable("NO_COLOR"));
    }

    public CliEnvironment Environment { get; }

    public ParseResult Parse { get; }

    public bool Json { get; }

    public bool Verbose { get; }

    public bool UseColor { get; }

    /// <summary>Standard output through Spectre (tables, colour when allowed); made when first used (--json output never needs it).</summary>
    public IAnsiConsole Console => _console ??= CreateConsole(Environment.Out, Environment, UseColor);

    private IAnsiConsole? _console;

    public TextWriter Out => Environment.Out;

    public TextWriter Error => Environment.Error;

    public DateTimeOffset Now => Environment.Clock();

    public T? Get<T>(Option<T> option) => Parse.GetValue(option);

    public T? Get<T>(Argument<T> argument) => Parse.GetValue(argument);

    /// <summary>The store (opened once); its custom lifecycles are registered from &lt;store&gt;/lifecycles/.</summary>
    public BuildStore Store => _store ??= OpenStore();

    /// <summary>The lifecycle tables the store carries, with any problems found reading them.</summary>
    public LifecycleSet Lifecycles => _lifecycles ??= LifecycleSet.Load(StoreRoot);

    public string StoreRoot => _storeRoot ??= StoreLocator.Locate(Parse.GetValue(GlobalOptions.Root), Environment.CurrentDirectory);

    private string? _storeRoot;

    /// <summary>
    /// Resolves a full id, a project's name, or a unique part (<see cref="BuildMatcher"/>); unknown
    /// and ambiguous parts are NotFound (exit 5), the ambiguous one listing the candidates, an
    /// unknown one saying why when the build is unreadable or archived.
    /// </summary>
    public string ResolveBuild(string part)
    {
        if (string.IsNullOrWhiteSpace(part))
        {
            // An empty part is contained in every id: it would "match" them all.
            throw new UsageException("BUILD is empty: name a build by its id, its project's name or a unique part of its id");
        }

        // A build the index had to leave out (unreadable) is still matched by the id it last had, so
        // every way of naming it gets its read problem, not "no build matches".
        var listing = Store.ListWithUnreadable();
        var unreadable = listing.Unreadable.Where(u => u.LastKnownId is not null).GroupBy(u => u.LastKnownId!, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.First(), StringComparer.Ordinal);
        var matches = BuildMatcher.Match(listing.Builds.Select(e => e.Id).Concat(unreadable.Keys), part);
        return matches.Count switch
        {
            1 when unreadable.TryGetValue(matches[0], out var u) => throw ReadProblem(u.Key, part),
            1 => matches[0],
            // The index skips builds it cannot read: say why such a build is not there instead of "not found".
            0 => throw UnreadableBuild(part) ?? ArchivedBuild(part) ?? BuildStateException.NotFound(NoMatch(part, listing.Builds.Count), Store.Layout.Root),
            _ => throw BuildStateException.NotFound($"'{part}' matches {matches.Count} builds; be more specific: {string.Join(", ", matches.Order(StringComparer.Ordinal))}"),
        };
    }

    /// <summary>What to do when nothing matches: see what there is, or record something first.</summary>
    private static string NoMatch(string part, int builds) => builds == 0
        ? $"no build matches '{part}': the store has no build yet; build a project that uses BuildState.Sdk first"
        : $"no build matches '{part}'; `buildstate list` shows the {builds} build(s) there are (any unique part of an id names one: a project name, `App|Release`)";

    /// <summary>Not found among the active builds but archived: say so, and how to see it.</summary>
    private BuildStateException? ArchivedBuild(string part)
    {
        var archived = Store.ListArchived().Where(a => a.Problem is null).ToList();
        var matches = BuildMatcher.Match(archived.Select(a => a.Id).Distinct(StringComparer.Ordinal), part);
        if (matches.Count == 0)
        {
            return null;
        }

        var where = archived.First(a => a.Id == matches[0]).Directory;
        var which = matches.Count == 1 ? $"the archived build {matches[0]}" : $"{matches.Count} archived builds ({string.Join(", ", matches.Order(StringComparer.Ordinal))})";
        return BuildStateException.NotFound(
            $"no active build matches '{part}', but {which} does; archived builds are kept apart: `buildstate list --archived` lists them",
            matches.Count == 1 ? where : Store.Layout.ArchivedDir);
    }

    private BuildStateException? UnreadableBuild(string part)
    {
        var layout = Store.Layout;
        var exactKey = BuildKey.For(part);
        var keys = Directory.Exists(layout.BuildDir(exactKey))
            ? [exactKey]
            : !Directory.Exists(layout.ActiveDir) ? []
            : Directory.EnumerateDirectories(layout.ActiveDir).Select(Path.GetFileName).OfType<string>()
                .Where(k => BuildKey.LooksLikeKey(k) && k[..k.LastIndexOf('-')].Contains(BuildKey.Readable(part), StringComparison.OrdinalIgnoreCase))
                .ToList();
        return keys.Count == 1 ? ReadProblem(keys[0], part) : null;
    }

    /// <summary>A linked folder or file, a refused read, a newer schema or damage: Core names the file and the kind.</summary>
    private BuildStateException ReadProblem(string key, string part) =>
        Store.FindReadProblem(key)
            ?? BuildStateException.Corrupt(Store.Layout.StateFile(key), $"the build matching '{part}' cannot be read; `buildstate validate` lists the problems, `buildstate recover` repairs what it can");

    public void WriteJson<T>(T value, System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> info) => Out.WriteLine(CliJson.Serialize(value, info));

    public void Verbose_(string line)
    {
        if (Verbose)
        {
            Error.WriteLine(line);
        }
    }

    private BuildStore OpenStore()
    {
        var root = StoreRoot;
        var lockTimeout = Units.ParseDuration(Parse.GetValue(GlobalOptions.LockTimeout), "--lock-timeout") ?? TimeSpan.FromSeconds(30);
        var options = new StoreOptions { LockTimeout = lockTimeout, Lifecycles = Lifecycles.Registry };
        foreach (var problem in Lifecycles.Problems.Where(p => !p.IsWarning))
        {
            Verbose_($"lifecycle table ignored: {problem}");
        }

        Verbose_($"store: {root}");
        return BuildStore.Open(root, options);
    }

    private const int NotATerminalWidth = 1 << 16;

    private static IAnsiConsole CreateConsole(TextWriter writer, CliEnvironment environment, bool color)
    {
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Ansi = color ? AnsiSupport.Detect : AnsiSupport.No,
            ColorSystem = color ? ColorSystemSupport.Detect : ColorSystemSupport.NoColors,
            Out = new AnsiConsoleOutput(writer),
            Interactive = environment.IsTerminal ? InteractionSupport.Detect : InteractionSupport.No,
        });
        // A terminal's own width; otherwise (a pipe, a file, a CI log) no wrapping at all: a long
        // message stays one line that grep finds whole. Tables size to their content, not to this.
        console.Profile.Width = environment.Width ?? NotATerminalWidth;
        return console;
    }
}
