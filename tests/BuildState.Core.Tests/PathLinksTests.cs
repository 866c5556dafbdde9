using BuildState.Core.Tests.Infrastructure;
using BuildState.IO;

namespace BuildState.Core.Tests;

/// <summary>PathLinks follows a path's links as the system would, for restore's inside-the-repository check.</summary>
public class PathLinksTests
{
    [Fact]
    public void Links_are_followed_through_chains_and_relative_targets_and_the_missing_rest_is_kept()
    {
        using var dir = new TempDir();
        Directory.CreateDirectory(dir.Combine("real", "deep"));
        var root = PathLinks.Resolve(dir.Path); // the temporary folder may itself be reached through a link (macOS's /tmp)
        var real = Path.Combine(root, "real", "deep");
        Directory.CreateSymbolicLink(dir.Combine("first"), Path.Combine("real", "deep")); // relative to its own folder
        Directory.CreateSymbolicLink(dir.Combine("second"), dir.Combine("first"));       // a link to a link

        Assert.Equal(Path.Combine(real, "not", "yet"), PathLinks.Resolve(dir.Combine("second", "not", "yet")));
        Assert.Equal(real, PathLinks.Resolve(dir.Combine("second", "..", "second"))); // ".." of the path as written, as GetFullPath reads it
        Assert.Equal(Path.Combine(root, "plain", "x"), PathLinks.Resolve(dir.Combine("plain", "x")));
    }

    [Fact]
    public void A_loop_of_links_is_an_IO_error_not_a_hang()
    {
        using var dir = new TempDir();
        Directory.CreateSymbolicLink(dir.Combine("a"), dir.Combine("b"));
        Directory.CreateSymbolicLink(dir.Combine("b"), dir.Combine("a"));

        Assert.Throws<IOException>(() => PathLinks.Resolve(dir.Combine("a", "file")));
    }
}
