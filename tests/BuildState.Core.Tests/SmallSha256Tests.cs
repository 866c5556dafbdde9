using System.Security.Cryptography;
using System.Text;
using BuildState.IO;
using BuildState.Store;

namespace BuildState.Core.Tests;

/// <summary>The managed SHA-256 used for build keys gives the platform's digest, so keys never change.</summary>
public class SmallSha256Tests
{
    [Theory]
    [InlineData("", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")]
    [InlineData("abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")]
    [InlineData("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq", "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")]
    public void Known_answers(string text, string expected) =>
        Assert.Equal(expected, Convert.ToHexStringLower(SmallSha256.Hash(Encoding.ASCII.GetBytes(text))));

    [Fact]
    public void Every_length_across_the_block_boundaries_matches_the_platform()
    {
        var random = new Random(20261123);
        for (var length = 0; length <= 1000; length++)
        {
            var data = new byte[length];
            random.NextBytes(data);
            Assert.Equal(SHA256.HashData(data), SmallSha256.Hash(data));
        }
    }

    [Fact]
    public void Build_keys_are_what_they_were_with_the_platform_hash()
    {
        const string id = "src/App/App.csproj|Debug|net10.0";
        var expected = "src_App_App_csproj_Debug_net10_0-" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(id)), 0, 16);
        Assert.Equal(expected, BuildKey.For(id));
    }
}
