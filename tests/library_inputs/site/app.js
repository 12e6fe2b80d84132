document.querySelector("p").dataset.loaded = `${Date.now()}`;
