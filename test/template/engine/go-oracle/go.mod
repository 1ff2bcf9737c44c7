module duat.test/template-engine-oracle

go 1.26
