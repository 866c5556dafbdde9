namespace Contoso.Core;

public static class PriceCalculator
{
    public static decimal WithVat(decimal net, decimal rate = 0.2m) => decimal.Round(net * (1 + rate), 2);
}
