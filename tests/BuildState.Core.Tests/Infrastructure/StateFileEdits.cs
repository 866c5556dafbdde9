using System.Text;
using BuildState.IO;

namespace BuildState.Core.Tests.Infrastructure;

/// <summary>
/// Edits of a state file that keep its checksum right (what a newer version of the store, or a tool
/// that knows the format, would write): tests of the checks behind the checksum use it. An edit
/// that leaves the checksum stale is caught by the checksum itself (StateChecksumTests).
/// </summary>
public static class StateFileEdits
{
    public static void EditSealed(string path, Func<string, string> edit)
    {
        var text = edit(File.ReadAllText(path));
        var member = text.LastIndexOf("\"crc32\": \"", StringComparison.Ordinal);
        Assert.True(member > 0, "the state file has no checksum");
        var comma = text.LastIndexOf(',', member);
        var body = text[..comma];
        var crc = Crc32.Compute(Encoding.UTF8.GetBytes(body));
        File.WriteAllText(path, $"{body},\n  \"crc32\": \"{crc:x8}\"\n}}");
    }
}
