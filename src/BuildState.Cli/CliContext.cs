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

    /// <summary>Resolves a full id or a unique part; unknown and ambiguous parts are NotFound (exit 5), the ambiguous one listing the candidates.</summary>
    public string ResolveBuild(string part)
    {
        try
        {
            return Store.ResolveBuildId(part);
        }
        catch (BuildStateException e) when (e.Kind == StoreErrorKind.Validation)
        {
            throw new BuildStateException(StoreErrorKind.NotFound, e.Message, e.FilePath, e);
        }
        catch (BuildStateException e) when (e.Kind == StoreErrorKind.NotFound)
        {
            // The index skips builds it cannot read: say why such a build is not there instead of "not found".
            throw UnreadableBuild(part) ?? e;
        }
    }

    private BuildStateException? UnreadableBuild(string part)
    {
        var layout = Store.Layout;
        var exactKey = BuildKey.For(part);
        var keys = Directory.Exists(layout.BuildDir(exactKey))
            ? [exactKey]
            : !Directory.Exists(layout.ActiveDir) ? []
            : Directory.EnumerateDirectories(layout.ActiveDir).Select(Path.GetFileName).OfType<string>()
                .Where(k => BuildKey.LooksLikeKey(k) && k[..k.LastIndexOf('-')].Contains(Sanitize(part), StringComparison.OrdinalIgnoreCase))
                .ToList();
        if (keys.Count != 1)
        {
            return null;
        }

        var state = layout.StateFile(keys[0]);
        if (new FileInfo(state).LinkTarget is not null || new DirectoryInfo(layout.BuildDir(keys[0])).LinkTarget is not null)
        {
            return new BuildStateException(StoreErrorKind.PermissionDenied, "the store holds a symbolic link; it never follows links inside the store (remove the link)", state);
        }

        if (keys[0] == exactKey)
        {
            try
            {
                Store.Get(part);
            }
            catch (BuildStateException e)
            {
                return e;
            }
        }

        return BuildStateException.Corrupt(state, $"the build matching '{part}' cannot be read; `buildstate validate` lists the problems, `buildstate recover` repairs what it can");
    }

    private static string Sanitize(string part) => new(part.Select(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '-' ? c : '_').ToArray());

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
        foreach (var problem in Lifecycles.Problems)
        {
            Verbose_($"lifecycle table ignored: {problem}");
        }

        Verbose_($"store: {root}");
        return BuildStore.Open(root, options);
    }

    private static IAnsiConsole CreateConsole(TextWriter writer, CliEnvironment environment, bool color)
    {
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Ansi = color ? AnsiSupport.Detect : AnsiSupport.No,
            ColorSystem = color ? ColorSystemSupport.Detect : ColorSystemSupport.NoColors,
            Out = new AnsiConsoleOutput(writer),
            Interactive = environment.IsTerminal ? InteractionSupport.Detect : InteractionSupport.No,
        });
        console.Profile.Width = environment.Width ?? 200;
        return console;
    }
}
