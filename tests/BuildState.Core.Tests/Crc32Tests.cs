using System.Text;
using BuildState.IO;

namespace BuildState.Core.Tests;

/// <summary>The sliced CRC-32 gives the same checksums as the one-byte-at-a-time definition, so every log written before still verifies.</summary>
public class Crc32Tests
{
    [Theory]
    [InlineData("", 0x00000000u)]
    [InlineData("a", 0xE8B7BE43u)]
    [InlineData("123456789", 0xCBF43926u)]
    [InlineData("The quick brown fox jumps over the lazy dog", 0x414FA339u)]
    public void Known_answers(string text, uint expected) =>
        Assert.Equal(expected, Crc32.Compute(Encoding.ASCII.GetBytes(text)));

    [Fact]
    public void Every_length_and_offset_matches_the_bytewise_definition()
    {
        var random = new Random(20261206);
        var data = new byte[1100];
        random.NextBytes(data);
        for (var start = 0; start < 9; start++)
        {
            for (var length = 0; start + length <= data.Length; length += length < 40 ? 1 : 37)
            {
                var slice = data.AsSpan(start, length);
                Assert.Equal(Bytewise(slice), Crc32.Compute(slice));
            }
        }
    }

    private static uint Bytewise(ReadOnlySpan<byte> data)
    {
        var crc = 0xFFFFFFFFu;
        foreach (var b in data)
        {
            crc ^= b;
            for (var k = 0; k < 8; k++)
            {
                crc = (crc & 1) != 0 ? 0xEDB88320u ^ (crc >> 1) : crc >> 1;
            }
        }

        return ~crc;
    }
}
