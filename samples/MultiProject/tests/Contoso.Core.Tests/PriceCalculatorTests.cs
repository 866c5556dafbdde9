using Contoso.Core;
using Xunit;

public class PriceCalculatorTests
{
    [Fact]
    public void Vat_is_added() => Assert.Equal(120m, PriceCalculator.WithVat(100m));
}
