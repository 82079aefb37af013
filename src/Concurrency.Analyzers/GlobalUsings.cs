global using System;
global using System.Collections.Generic;
global using System.Collections.Immutable;
global using System.Linq;
global using Concurrency.Analyzers.Catalog;
global using Concurrency.Analyzers.Engine;
global using Concurrency.Analyzers.Model.Locks;
global using Concurrency.Analyzers.Model.Tasks;
