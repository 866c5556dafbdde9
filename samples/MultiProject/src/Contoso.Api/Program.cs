Console.WriteLine($"100 net is {Contoso.Core.PriceCalculator.WithVat(100m)} gross");
