using BuildState.Cli.Tests.Infrastructure;
using BuildState.Model;
using BuildState.Store;

namespace BuildState.Cli.Tests;

/// <summary>Output that is not a terminal (a pipe, a file, CI's log) is not wrapped at any width: a long message stays one line that grep finds whole.</summary>
public sealed class LongLineTests : IDisposable
{
    private readonly TestStore _store = new();

    public void Dispose() => _store.Dispose();

    [Fact]
    public void A_long_error_message_is_one_line_when_output_is_not_a_terminal()
    {
        var message = "The type or namespace name 'Widget' could not be found " + string.Concat(Enumerable.Repeat("(are you missing a using directive or an assembly reference?) ", 5)).TrimEnd();
        Assert.True(message.Length > 300);
        _store.Store.StartRun(TestStore.Lib, new StartRunRequest { RunId = "r" });
        _store.Store.RecordError(TestStore.Lib, new ErrorRecord { Code = "CS0246", Message = message, File = "src/Lib/Widget.cs", Line = 3, Target = "CoreCompile" });

        var result = Bs.Run(_store.Repo, "show", "Lib");

        Assert.True(result.Code == 0, result.ToString());
        Assert.Contains(result.Out.Split('\n'), line => line.Contains(message, StringComparison.Ordinal));
    }
}
